int vigil_signal_placeholder(void);
