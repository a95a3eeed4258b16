// ImapFlow scenario for tests/interop/test_imapflow.py: drives the real server with the npm
// ImapFlow client and prints what it saw as one JSON object on stdout; the Python test checks
// it against the server's store. CommonJS and no newer syntax, so that Node 18 (Debian 12) and
// Node 20 both run it.
//
// Usage: node scenario.js basic|idle '{"port": N, "ca": "/path/fullchain.pem", "user": "...", "pass": "..."}'
//   basic: list, open, fetch, append, flag, move
//   idle:  IDLE in INBOX while a second session appends there
'use strict';

const fs = require('fs');
const { ImapFlow } = require('imapflow');

const part = process.argv[2];
const cfg = JSON.parse(process.argv[3]);

function client() {
    return new ImapFlow({
        host: '127.0.0.1',
        port: cfg.port,
        secure: true,
        tls: { ca: [fs.readFileSync(cfg.ca)], servername: 'localhost', rejectUnauthorized: true },
        auth: { user: cfg.user, pass: cfg.pass },
        logger: false,
        // No automatic IDLE between commands: the scenario starts it itself.
        disableAutoIdle: true
    });
}

function message(subject, from) {
    return Buffer.from(
        `From: ${from}\r\nTo: ${cfg.user}\r\nSubject: ${subject}\r\n` +
        `Date: Tue, 3 Nov 2026 09:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@node.example>\r\n\r\n` +
        `Sent by ImapFlow.\r\n`);
}

async function subjects(c) {
    const out = {};
    for await (const msg of c.fetch('1:*', { uid: true, flags: true, envelope: true })) {
        out[msg.envelope.subject] = { uid: msg.uid, flags: Array.from(msg.flags).sort() };
    }
    return out;
}

function waitFor(predicate, ms, what) {
    return new Promise((resolve, reject) => {
        const start = Date.now();
        const tick = () => {
            if (predicate()) return resolve();
            if (Date.now() - start > ms) return reject(new Error('timed out waiting for ' + what));
            setTimeout(tick, 10);
        };
        tick();
    });
}

async function basic(a, result) {
    const list = await a.list();
    result.list = list.map(b => ({ path: b.path, delimiter: b.delimiter, specialUse: b.specialUse || null,
                                   flags: Array.from(b.flags || []).sort() }));

    const inbox = await a.mailboxOpen('INBOX');
    result.opened = { path: inbox.path, exists: inbox.exists, uidValidity: String(inbox.uidValidity),
                      readOnly: !!inbox.readOnly };
    result.fetched = await subjects(a);

    const appended = await a.append('Work', message('Appended by ImapFlow', 'Node <node@example.net>'),
                                    ['\\Seen', '$Label1']);
    result.appended = { destination: appended.destination, uid: appended.uid || null };

    // Flag, then move by UID (MOVE where the server has it, else COPY and expunge).
    const target = result.fetched['Move me'];
    await a.messageFlagsAdd(String(target.uid), ['\\Flagged'], { uid: true });
    const moved = await a.messageMove(String(target.uid), 'Archive', { uid: true });
    result.moved = { destination: moved && moved.destination,
                     uidMap: moved && moved.uidMap ? Array.from(moved.uidMap.entries()) : null };
    result.afterMove = await subjects(a);
}

async function idle(a, result) {
    const opened = await a.mailboxOpen('INBOX');
    result.before = opened.exists;
    let exists = null;
    a.on('exists', ev => { exists = { count: ev.count, prevCount: ev.prevCount, at: Date.now() }; });
    const idling = a.idle();
    await waitFor(() => a.idling, 10000, 'IDLE to start');
    const b = client();
    await b.connect();
    await b.append('INBOX', message('Arrived during IDLE', 'Other <other@example.net>'));
    const appendedAt = Date.now();
    await b.logout();
    await waitFor(() => exists !== null, 10000, "the EXISTS of the second session's APPEND");
    result.idle = { exists, latencyMs: exists.at - appendedAt };
    // The next command ends IDLE (ImapFlow sends DONE first).
    result.afterIdle = await subjects(a);
    await idling.catch(() => null);
}

async function main() {
    const result = {};
    const a = client();
    await a.connect();
    result.capabilities = Array.from(a.capabilities.keys()).sort();
    if (part === 'basic') await basic(a, result);
    else if (part === 'idle') await idle(a, result);
    else throw new Error('unknown part ' + part);
    await a.logout();
    process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(err => {
    process.stderr.write('scenario failed: ' + (err && err.stack || err) + '\n' +
                         (err && err.response ? 'server said: ' + err.response + '\n' : ''));
    process.exit(1);
});
