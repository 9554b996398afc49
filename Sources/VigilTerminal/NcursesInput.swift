#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import CVigilSignal
import VigilCore
import VigilRender

extension NcursesTerminal {
    // MARK: - Input

    /// Reads every key waiting (`wget_wch` until ERR), decoded; a resize is reported once, last,
    /// with the final size. Never blocks (except ncurses' short Esc delay).
    public func readInput() -> [TerminalInput] {
        guard let win = window else { return [] }
        var inputs: [TerminalInput] = []
        var resized = pendingWinch || vigil_signal_take_winch() != 0
        pendingWinch = false
        var wch: wint_t = 0
        let keyCodeYes = vigil_key_code_yes()
        let resizeCode = vigil_key_resize()
        let mouseCode = vigil_key_mouse()
        for _ in 0..<4096 {
            let rc = wget_wch(win, &wch)
            if rc == keyCodeYes {
                let code = Int32(bitPattern: wch)
                if code == resizeCode {
                    resized = true
                    untouchwin(win)
                } else if code == mouseCode {
                    var x: Int32 = 0, y: Int32 = 0
                    let kinds: [Int32: MouseEvent.Kind] = [1: .press, 2: .wheelUp, 3: .wheelDown]
                    if let kind = kinds[vigil_getmouse(&x, &y)] {
                        inputs.append(.mouse(MouseEvent(kind, x: Int(x), y: Int(y))))
                    }
                } else if let key = KeyDecoder.decode(keyCode: code) {
                    inputs.append(.key(key))
                }
            } else if rc == vigil_ok() {
                if let key = KeyDecoder.decode(character: wch) { inputs.append(.key(key)) }
            } else {
                break
            }
        }
        if resized { inputs.append(.resize(handleResize())) }
        return inputs
    }

    /// Blocks until a key is waiting, `wakeup` is signalled, a signal arrives, or `timeout`
    /// passes (`nil`: no timeout). Drains the wake-up pipe. The first call connects the signal
    /// handlers to this pipe; the terminal keeps `wakeup` alive while it is attached.
    public func wait(timeout: Duration?, wakeup: Wakeup) -> WaitResult {
        if attachedWakeup !== wakeup {
            attachedWakeup = wakeup
            if signalsInstalled { vigil_signal_set_fd(wakeup.writeFD) }
        }
        var result = WaitResult()
        var timeoutMs = NcursesTerminal.milliseconds(timeout)
        if vigil_signal_pending() != 0 { timeoutMs = 0 } // arrived before the pipe was attached
        var fds = [
            pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeup.readFD, events: Int16(POLLIN), revents: 0),
        ]
        var rc = poll(&fds, nfds_t(fds.count), timeoutMs)
        if rc < 0 && errno == EINTR {
            // A signal interrupted poll; its byte is in the pipe now.
            fds[0].revents = 0
            fds[1].revents = 0
            rc = poll(&fds, nfds_t(fds.count), 0)
        }
        if rc > 0 {
            let stdinEvents = Int32(fds[0].revents)
            if stdinEvents & Int32(POLLIN) != 0 { result.input = true }
            // A hung-up terminal also reports POLLIN (reads then fail with EIO): whatever it still
            // holds is of no use, and treating it as input would spin the loop forever.
            if stdinEvents & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 {
                result.inputClosed = true
            }
            if Int32(fds[1].revents) & Int32(POLLIN) != 0 {
                for byte in wakeup.drain() {
                    switch byte {
                    case UInt8(ascii: "W"): result.resize = true
                    case UInt8(ascii: "H"), UInt8(ascii: "T"), UInt8(ascii: "I"), UInt8(ascii: "Q"): result.signal = true
                    default: result.wakeup = true
                    }
                }
            }
        }
        if vigil_signal_pending() != 0 {
            if vigil_signal_take_winch() != 0 { pendingWinch = true; result.resize = true }
            if vigil_signal_pending() != 0 { result.signal = true }
        }
        return result
    }

    /// The terminating signal received since the last call, if any.
    public func takeSignal() -> TerminalSignal? {
        switch vigil_signal_take() {
        case SIGHUP: return .hangup
        case SIGTERM: return .terminate
        case SIGQUIT: return .quit
        case SIGINT: return .interrupt
        default: return nil
        }
    }

    static func milliseconds(_ timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        let (seconds, attoseconds) = timeout.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        // Round up so a 0.4 ms wait does not spin at 0 ms.
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        guard !ms.overflow else { return Int32.max }
        return Int32(clamping: ms.partialValue + fraction)
    }
}
