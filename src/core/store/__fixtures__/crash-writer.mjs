// Child process for crash.test.ts: commits some rows, then opens a large transaction, tells the
// parent it is mid-transaction and spins until it is SIGKILLed. Plain .mjs so it runs without a
// TypeScript loader; it talks to SQLite directly with the same pragmas the store uses.
import Database from 'better-sqlite3';

const [file, committed, pending] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
// A tiny page cache forces uncommitted pages out into the WAL before the commit that never comes.
db.pragma('cache_size = -64');

const insert = db.prepare(
  `INSERT INTO photos (path, sha256, byte_size, width, height, format)
   VALUES (?, lower(hex(randomblob(32))), 100, 10, 10, 'png')`,
);

// Committed by this process and never checkpointed: it lives only in the WAL when we die.
db.transaction(() => {
  for (let i = 0; i < Number(committed); i++) insert.run(`/child/committed-${i}.png`);
})();

db.exec('BEGIN IMMEDIATE');
for (let i = 0; i < Number(pending); i++) insert.run(`/child/pending-${i}-${'x'.repeat(200)}.png`);
process.send?.('ready', () => {
  for (;;) {
    // busy-wait inside the open transaction until killed
  }
});
