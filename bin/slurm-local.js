#!/usr/bin/env node
// A real single-node Slurm on this machine, for the cluster tests and for trying LR Lab's Slurm
// executor: `npm run slurm:up` / `npm run slurm:down` (or `node bin/slurm-local.js up|down|status`).
//
// up:   installs Debian's slurmctld, slurmd, slurm-client and munge (apt-get, --no-install-recommends)
//       when missing; starts a private munged (its own key and socket under the state folder), writes
//       a slurm.conf for this host from `slurmd -C`, starts slurmctld and slurmd, and waits until
//       `sinfo` shows the node idle. Prints `export SLURM_CONF=…`: Slurm's commands find this
//       cluster through that variable (the system's /etc/slurm is left alone).
// down: cancels this cluster's jobs and stops the daemons `up` started, by their pid files only.
//
// State folder: $LRLAB_SLURM_DIR, default <tmpdir>/lrlab-slurm. Runs as root without systemd or
// cgroups (proctrack/linuxproc, task/none). Measured on a 2-core Debian 12 VM: install + start
// ≈ 17 s, submit → start ≈ 1 s with batch_sched_delay=0.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';

const dir = process.env.LRLAB_SLURM_DIR ?? join(tmpdir(), 'lrlab-slurm');
const conf = join(dir, 'slurm.conf');
const mungeDir = join(dir, 'munge');
const socket = join(mungeDir, 'munge.socket.2');
const pidFiles = {
  slurmd: join(dir, 'slurmd.pid'),
  slurmctld: join(dir, 'slurmctld.pid'),
  munged: join(mungeDir, 'munged.pid'),
};
const env = { ...process.env, SLURM_CONF: conf };

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, ...opts });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() || (r.error ? r.error.message : '') };
}
const have = (cmd) => sh('sh', ['-c', `command -v ${cmd}`]).ok;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function fail(msg) {
  console.error(`slurm-local: ${msg}`);
  process.exit(1);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
/** The pid in `file` if that process is alive and is `name` (a recycled pid is not ours). */
function ourPid(file, name) {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmd.includes(name)) return null;
  } catch {
    /* no /proc: trust the pid file */
  }
  return pid;
}

function install() {
  const need = [
    ['slurmctld', 'slurmctld'],
    ['slurmd', 'slurmd'],
    ['sbatch', 'slurm-client'],
    ['munged', 'munge'],
  ].filter(([cmd]) => !have(cmd) && !existsSync(`/usr/sbin/${cmd}`));
  if (need.length === 0) return;
  const pkgs = need.map(([, p]) => p);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !have('apt-get')) fail(`missing ${pkgs.join(', ')}. Install them: sudo apt-get install --no-install-recommends ${pkgs.join(' ')}`);
  console.log(`slurm-local: installing ${pkgs.join(' ')} with apt-get…`);
  const aenv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env: aenv });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aenv });
    r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env: aenv });
  }
  if (r.status !== 0) fail(`apt-get could not install ${pkgs.join(' ')}.`);
}

function bin(name) {
  return existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name;
}

async function startMunge() {
  if (ourPid(pidFiles.munged, 'munged')) return;
  mkdirSync(mungeDir, { recursive: true });
  // munged wants its key private to its user, and clients (slurmd's job steps, sbatch) must be
  // able to reach the socket: the socket's folder is o+x.
  chmodSync(dir, 0o711);
  chmodSync(mungeDir, 0o711);
  const key = join(mungeDir, 'munge.key');
  if (!existsSync(key)) writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  chmodSync(key, 0o600);
  const r = sh(bin('munged'), [
    `--socket=${socket}`,
    `--key-file=${key}`,
    `--pid-file=${pidFiles.munged}`,
    `--log-file=${join(mungeDir, 'munged.log')}`,
    `--seed-file=${join(mungeDir, 'munged.seed')}`,
    '--force',
  ]);
  if (!r.ok) fail(`munged did not start: ${r.err || r.out}`);
  for (let i = 0; i < 50 && !existsSync(socket); i++) await sleep(100);
  if (!existsSync(socket)) fail(`munged started but its socket ${socket} did not appear (log: ${join(mungeDir, 'munged.log')}).`);
}

function writeConf() {
  const c = sh(bin('slurmd'), ['-C']);
  const line = c.out.split('\n').find((l) => l.startsWith('NodeName='));
  if (!line) fail(`\`slurmd -C\` printed no NodeName line: ${c.err || c.out}`);
  const node = /NodeName=(\S+)/.exec(line)[1];
  for (const sub of ['state', 'spool', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  const text = [
    '# Written by LR Lab bin/slurm-local.js: a single-node cluster for tests. Not for production.',
    'ClusterName=lrlab',
    `SlurmctldHost=${node}(127.0.0.1)`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${socket}`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${pidFiles.slurmctld}`,
    `SlurmdPidFile=${pidFiles.slurmd}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'SchedulerParameters=batch_sched_delay=0',
    'MailProg=/bin/true',
    'ReturnToService=2',
    'MinJobAge=60',
    'KillWait=10',
    `${line} NodeAddr=127.0.0.1 State=UNKNOWN`,
    'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
  writeFileSync(conf, text);
  return node;
}

function nodeState() {
  const r = sh('sinfo', ['-h', '-N', '-o', '%T']);
  return r.ok ? r.out.split('\n')[0] ?? '' : '';
}

async function up() {
  const t0 = Date.now();
  install();
  mkdirSync(dir, { recursive: true });
  await startMunge();
  if (!ourPid(pidFiles.slurmctld, 'slurmctld') || !existsSync(conf)) {
    const node = writeConf();
    // -c: a clean start (no jobs from an earlier cluster in this folder).
    const r = sh(bin('slurmctld'), ['-c', '-f', conf]);
    if (!r.ok) fail(`slurmctld did not start: ${r.err || r.out} (log: ${join(dir, 'log', 'slurmctld.log')})`);
    const d = sh(bin('slurmd'), ['-f', conf, '-N', node]);
    if (!d.ok) fail(`slurmd did not start: ${d.err || d.out} (log: ${join(dir, 'log', 'slurmd.log')})`);
  } else if (!ourPid(pidFiles.slurmd, 'slurmd')) {
    const node = /NodeName=(\S+)/.exec(readFileSync(conf, 'utf8'))?.[1] ?? hostname();
    const d = sh(bin('slurmd'), ['-f', conf, '-N', node]);
    if (!d.ok) fail(`slurmd did not start: ${d.err || d.out}`);
  }
  let state = '';
  for (let i = 0; i < 600; i++) {
    state = nodeState();
    if (/^(idle|mixed|allocated)/.test(state)) break;
    await sleep(100);
  }
  if (!/^(idle|mixed|allocated)/.test(state)) {
    fail(`the node did not become idle within 60 s (sinfo says "${state}"); logs in ${join(dir, 'log')}.`);
  }
  writeFileSync(join(dir, 'env.sh'), `export SLURM_CONF=${conf}\n`);
  console.log(`slurm-local: up in ${((Date.now() - t0) / 1000).toFixed(1)} s (node ${state}).`);
  console.log(`export SLURM_CONF=${conf}`);
}

async function stop(name, file) {
  const pid = ourPid(file, name);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && pidAlive(pid); i++) await sleep(100);
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}

async function down() {
  if (ourPid(pidFiles.slurmctld, 'slurmctld')) {
    // Every job on this private cluster is one of ours.
    sh('scancel', ['--user', String(process.getuid?.() ?? 0)]);
  }
  const stopped = [];
  for (const name of ['slurmd', 'slurmctld']) if (await stop(name, pidFiles[name])) stopped.push(name);
  if (await stop('munged', pidFiles.munged)) stopped.push('munged');
  console.log(stopped.length ? `slurm-local: stopped ${stopped.join(', ')}.` : 'slurm-local: nothing of ours was running.');
}

function status() {
  const running = Object.entries(pidFiles).filter(([name, f]) => ourPid(f, name));
  console.log(running.length ? `running: ${running.map(([n]) => n).join(', ')}; node ${nodeState() || '?'}; export SLURM_CONF=${conf}` : 'not running');
  process.exit(running.length === 3 ? 0 : 1);
}

// One `up`/`down` at a time (parallel test files may all ask for the cluster).
async function locked(f) {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.lock');
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      const age = (() => {
        try {
          return Date.now() - Number(readFileSync(lock, 'utf8') || 0);
        } catch {
          return 0;
        }
      })();
      if (i > 1200 || age > 120_000) rmSync(lock, { force: true });
      await sleep(100);
    }
  }
  writeFileSync(lock, String(Date.now()));
  try {
    await f();
  } finally {
    rmSync(lock, { force: true });
  }
}

const cmd = process.argv[2];
if (cmd === 'up') await locked(up);
else if (cmd === 'down') await locked(down);
else if (cmd === 'status') status();
else fail('usage: slurm-local.js up | down | status');
