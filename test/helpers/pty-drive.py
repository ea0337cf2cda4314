"""Runs a command in a pseudo-terminal and answers its prompts, as a person at a keyboard would.

Usage: pty-drive.py STEPS_JSON -- COMMAND...
STEPS_JSON is a list of [wait_for_text, keys_to_send]; keys may contain escape sequences such as
"\u001b[B" (arrow down) and "\r" (Enter). Prints everything the terminal showed, exits with the
command's exit code (124 when a wait times out).
"""
import json, os, pty, select, sys, time

steps = json.loads(sys.argv[1])
command = sys.argv[sys.argv.index('--') + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

screen = b''
def read(timeout):
    global screen
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return False
    try:
        data = os.read(fd, 4096)
    except OSError:
        return None
    if not data:
        return None
    screen += data
    return True

for wait_for, keys in steps:
    deadline = time.time() + 15
    while wait_for.encode() not in screen:
        if time.time() > deadline or read(0.2) is None:
            sys.stdout.write(screen.decode(errors='replace'))
            sys.exit(124)
    time.sleep(0.1)
    os.write(fd, keys.encode())

deadline = time.time() + 30
while read(1) is not None:
    if time.time() > deadline:
        os.kill(pid, 9)
        sys.stdout.write(screen.decode(errors='replace'))
        sys.exit(124)
_, status = os.waitpid(pid, 0)
sys.stdout.write(screen.decode(errors='replace'))
sys.exit(os.waitstatus_to_exitcode(status))
