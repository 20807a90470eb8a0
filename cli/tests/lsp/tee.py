"""A stdio proxy that records a language server's traffic.

Usage: tee.py LOG COMMAND... — runs COMMAND, copies stdin to it and its stdout
back, and appends every JSON-RPC message to LOG as one line:
`<ms since start> <direction> <json>` (`-->` client to server, `<--` back).
"""

import os
import subprocess
import sys
import threading
import time

START = time.monotonic()


def pump(src, dst, log, arrow, lock):
    while True:
        headers = b""
        while not headers.endswith(b"\r\n\r\n"):
            byte = src.read(1)
            if not byte:
                dst.close()
                return
            headers += byte
        length = 0
        for line in headers.decode("ascii").split("\r\n"):
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        body = src.read(length)
        dst.write(headers + body)
        dst.flush()
        with lock:
            log.write(f"{(time.monotonic() - START) * 1000:9.1f} {arrow} {body.decode('utf-8')}\n")
            log.flush()


def main():
    log = open(sys.argv[1], "a", encoding="utf-8")
    proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    lock = threading.Lock()
    stdin = os.fdopen(sys.stdin.fileno(), "rb", buffering=0)
    stdout = os.fdopen(sys.stdout.fileno(), "wb", buffering=0)
    # Client to server on a daemon thread; server to client here, so the proxy
    # ends when the server does (a client may wait for the process to exit
    # before it closes our stdin: reading stdin here would then never end).
    t = threading.Thread(target=pump, args=(stdin, proc.stdin, log, "-->", lock), daemon=True)
    t.start()
    pump(proc.stdout, stdout, log, "<--", lock)
    code = proc.wait()
    log.close()
    os._exit(code)


if __name__ == "__main__":
    main()
