"""What the Python test servers (pagerduty/, github/, jenkins/) share: the request handler's
plumbing and how a server is started. Imported by each server.py (its parent directory is put on
sys.path by the server)."""
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, no access log, and faults tests switch on (`/-/fault`)."""
    protocol_version = "HTTP/1.1"
    state = None                              # set by `handler_for`

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer of a kept-alive connection for 40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def read_body(self):
        """The request's body (empty without a Content-Length)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def take_fault(self):
        """The fault for this answer (counting it down), or {} for a control or no fault."""
        state = self.state
        with state.lock:
            fault = dict(state.fault)
            if fault and not self.path.startswith("/-/"):
                fault["count"] = fault.get("count", 1) - 1
                state.fault = fault if fault["count"] > 0 else {}
                return fault
            return {}


def handler_for(base, state):
    """A subclass of `base` (a `Handler`) bound to `state`."""
    return type(base.__name__, (base,), {"state": state})


def serve(name, port, handler):
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    print(f"{name} test server on 127.0.0.1:{port}", flush=True)
    server.serve_forever()
