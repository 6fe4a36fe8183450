/** Child that takes the queue lock of a store and holds it until killed. */
import { openStore } from '../index';

const [file, owner] = process.argv.slice(2) as [string, string];
const store = openStore(file);
store.acquireHostLock(owner, { heartbeatEveryMs: 200 });
process.stdout.write('locked\n');
setInterval(() => undefined, 1000);
