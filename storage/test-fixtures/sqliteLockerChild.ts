/** Child that holds an exclusive write transaction on an SQLite file (another program writing). */
import Database from 'better-sqlite3';

const [file] = process.argv.slice(2) as [string];
const db = new Database(file);
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('holding\n');
process.stdin.resume();
process.stdin.on('end', () => {
  db.exec('COMMIT');
  db.close();
  process.exit(0);
});
