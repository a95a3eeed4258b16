"""What the Python benchmarks share: a free loopback port, and `pillarbox serve` on a data
directory with plain IMAP only (no TLS, no POP3), started and waited for."""
import os
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, work, data, extra_config=""):
    """Writes <work>/pillarbox.toml for `data` (IMAP on a free loopback port, LMTP on another,
    log level warn, then `extra_config`), starts `binary serve` and waits up to 20 s for its
    greeting. Returns (process, IMAP port); the caller terminates the process."""
    port = free_port()
    config = os.path.join(work, "pillarbox.toml")
    with open(config, "w") as f:
        f.write(f'data_dir = "{data}"\n[imap]\nlisten = ["127.0.0.1:{port}"]\ntls_listen = []\n'
                f'[pop3]\nlisten = []\ntls_listen = []\n[lmtp]\nlisten = ["127.0.0.1:{free_port()}"]\n'
                f'[log]\nlevel = "warn"\n{extra_config}')
    server = subprocess.Popen([binary, "--config", config, "serve"], stderr=subprocess.DEVNULL)
    wait_greeting(server, port, "pillarbox serve")
    return server, port


def wait_greeting(server, port, name, seconds=20):
    """Waits until the server process answers on 127.0.0.1:port with `* OK`; terminates it
    and raises RuntimeError if it does not within `seconds` or exits."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.settimeout(5)
                if s.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.terminate()
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.1)
