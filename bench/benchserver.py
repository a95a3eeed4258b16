"""What the Python benchmarks share: a free loopback port, `pillarbox serve` on a data directory
with plain IMAP only (no TLS, no POP3), and a private Dovecot, each started and waited for."""
import os
import shutil
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


def start_dovecot(work, users, hashed, sessions=100, extra=""):
    """A private Dovecot on a free loopback port, as bench/run-vs-dovecot.sh runs it: Debian's
    package, started as root with base_dir <work>/dovecot/run, mail processes as the "mail"
    user, Maildir under <work>/dovecot/mail/<user>/Maildir (which may exist already: it is
    chowned to "mail"), passwd-file with `hashed` for each of `users`, process and per-user
    limits above `sessions`, then the lines of `extra`. Returns (process, port); the caller
    terminates the process."""
    if os.geteuid() != 0 or not shutil.which("dovecot"):
        raise SystemExit("Dovecot runs only as root with dovecot-imapd installed")
    port = free_port()
    d = os.path.join(work, "dovecot")
    for sub in ("run", "state", "mail"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    os.chmod(work, 0o755)
    os.chmod(d, 0o755)   # the login processes (dovenull) must reach base_dir
    with open(os.path.join(d, "passwd"), "w") as f:
        f.writelines(f"{u}:{hashed}\n" for u in users)
    subprocess.run(["chown", "-R", "mail:mail", os.path.join(d, "mail")], check=True)
    uid, gid = (subprocess.check_output(["id", flag, "mail"]).decode().strip() for flag in ("-u", "-g"))
    limit = sessions + 100
    conf = os.path.join(d, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(f"""protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
first_valid_uid = 1
first_valid_gid = 1
default_process_limit = {limit}
default_client_limit = {limit}
passdb {{
  driver = passwd-file
  args = {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/mail/%u
}}
protocol imap {{
  mail_max_userip_connections = {limit}
}}
service imap {{
  process_limit = {limit}
}}
service imap-login {{
  process_limit = {limit}
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{extra}
""")
    server = subprocess.Popen(["dovecot", "-F", "-c", conf], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    wait_greeting(server, port, "dovecot")
    return server, port
