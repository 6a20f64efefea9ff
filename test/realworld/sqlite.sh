run_sqlite() { :; }
