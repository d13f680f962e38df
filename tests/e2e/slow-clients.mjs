// slow-clients.mjs PORT: slowloris against `aftermath serve` on 127.0.0.1:PORT (and no other address).
//
// 1. Opens 8 connections that send the start of a request and then nothing, and asks for
//    the home page meanwhile: prints "answered STATUS with 8 slow clients connected".
// 2. Opens 100 more: prints "open at once: N" (the connections the server had not closed
//    within 2 s, well before its idle timeout).
// 3. Waits, 60 s at most, for the server to close every one of them: prints
//    "slow clients closed by the server: K of 108".
import http from 'node:http';
import net from 'node:net';

const port = Number(process.argv[2]);
const host = '127.0.0.1';
const sockets = [];
let closed = 0;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function slowClient() {
	const s = net.connect({host, port});
	const entry = {closed: false};
	s.on('connect', () => s.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `));
	s.on('error', () => {});
	s.on('close', () => { entry.closed = true; closed++; });
	s.on('data', () => {});
	entry.socket = s;
	sockets.push(entry);
	return entry;
}

function get() {
	return new Promise(resolve => {
		const req = http.get({host, port, path: '/', agent: false, timeout: 20000}, res => {
			res.resume();
			res.on('end', () => resolve(res.statusCode));
		});
		req.on('timeout', () => { req.destroy(); resolve('timeout'); });
		req.on('error', e => resolve(e.code || 'error'));
	});
}

for (let i = 0; i < 8; i++)
	slowClient();
await sleep(500);
console.log(`answered ${await get()} with 8 slow clients connected`);

const more = [];
for (let i = 0; i < 100; i++)
	more.push(slowClient());
await sleep(2000);
console.log(`open at once: ${sockets.filter(e => !e.closed).length}`);

const deadline = Date.now() + 60000;
while (closed < sockets.length && Date.now() < deadline)
	await sleep(200);
console.log(`slow clients closed by the server: ${closed} of ${sockets.length}`);
for (const e of sockets)
	e.socket.destroy();
