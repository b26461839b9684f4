// Shared helpers for the JS SDK test suite (run with `npm run test:js`).
//
// startServer() runs a real server for one test file:
//   - wasmbase (default): binary from $WASMBASE_BIN, else <repo>/target/debug/wasmbase
//     (build it with `cargo build -p wasmbase`);
//   - PocketBase itself when WASMBASE_JS_TARGET=pocketbase-ref: binary from
//     $POCKETBASE_REF_BIN, else `pocketbase-ref` on PATH. This proves the suite
//     against the reference implementation.
// Both take the same CLI: `superuser upsert EMAIL PASS --dir=D` and
// `serve --http=ADDR --dir=D`.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import PocketBase from 'pocketbase';
import { EventSource } from 'eventsource';

// The SDK's realtime service needs a global EventSource; Node 20 has none.
globalThis.EventSource ??= EventSource;

export { PocketBase };
export { ClientResponseError } from 'pocketbase';

export const SUPERUSER_EMAIL = 'admin@example.com';
export const SUPERUSER_PASSWORD = 'pass123456';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');

const STARTUP_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
// Environment variables wasmbase reads as defaults for CLI options; the helper
// passes every option it cares about explicitly and drops these so a developer's
// shell cannot leak settings into the tests.
const STRIPPED_ENV = ['WASMBASE_DIR', 'WASMBASE_HTTP', 'WASMBASE_HOOKS_DIR', 'WASMBASE_PUBLIC_DIR'];

/** Which server the suite targets: 'wasmbase' (default) or 'pocketbase-ref'. */
export const TARGET = process.env.WASMBASE_JS_TARGET || 'wasmbase';

function findOnPath(name) {
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
        if (!dir) continue;
        const candidate = path.join(dir, name);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // keep looking
        }
    }
    return null;
}

function assertExecutable(bin, hint) {
    try {
        fs.accessSync(bin, fs.constants.X_OK);
    } catch {
        throw new Error(`server binary not found or not executable: ${bin}\n${hint}`);
    }
}

/** Resolves the absolute path of the server binary for the selected target. */
export function serverBinary() {
    if (TARGET === 'pocketbase-ref') {
        if (process.env.POCKETBASE_REF_BIN) {
            const bin = path.resolve(process.env.POCKETBASE_REF_BIN);
            assertExecutable(bin, 'POCKETBASE_REF_BIN must point to a PocketBase executable.');
            return bin;
        }
        const bin = findOnPath('pocketbase-ref');
        if (!bin) {
            throw new Error(
                'WASMBASE_JS_TARGET=pocketbase-ref but `pocketbase-ref` is not on PATH ' +
                    '(or set POCKETBASE_REF_BIN).',
            );
        }
        return bin;
    }
    if (TARGET !== 'wasmbase') {
        throw new Error(
            `unknown WASMBASE_JS_TARGET=${JSON.stringify(TARGET)} (use "wasmbase" or "pocketbase-ref")`,
        );
    }
    const bin = process.env.WASMBASE_BIN
        ? path.resolve(process.env.WASMBASE_BIN)
        : path.join(REPO_ROOT, 'target', 'debug', 'wasmbase');
    assertExecutable(
        bin,
        process.env.WASMBASE_BIN
            ? 'WASMBASE_BIN must point to a built wasmbase executable.'
            : `Run \`cargo build -p wasmbase\` in ${REPO_ROOT} first (or set WASMBASE_BIN).`,
    );
    return bin;
}

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
    const srv = net.createServer();
    srv.unref();
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const { port } = srv.address();
    await new Promise((resolve, reject) => srv.close((err) => (err ? reject(err) : resolve())));
    return port;
}

function childEnv() {
    const env = { ...process.env };
    for (const key of STRIPPED_ENV) delete env[key];
    return env;
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a fresh server with its own temp data dir and a superuser
 * (SUPERUSER_EMAIL / SUPERUSER_PASSWORD). Returns {url, target, dataDir, stop()}.
 * Call stop() in an after() hook: it terminates the server and deletes the temp dir.
 */
export async function startServer() {
    const bin = serverBinary();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbase-js-'));
    const dataDir = path.join(tmp, 'pb_data');
    const env = childEnv();

    try {
        const upsert = spawnSync(
            bin,
            ['superuser', 'upsert', SUPERUSER_EMAIL, SUPERUSER_PASSWORD, `--dir=${dataDir}`],
            { cwd: tmp, env, encoding: 'utf8', timeout: 60_000 },
        );
        if (upsert.error || upsert.status !== 0) {
            throw new Error(
                `\`${bin} superuser upsert\` failed (status ${upsert.status}, ${upsert.error ?? 'no spawn error'})\n` +
                    `stdout: ${upsert.stdout}\nstderr: ${upsert.stderr}`,
            );
        }

        // Another process may grab the port between freePort() and the bind: retry a few times.
        let lastError;
        for (let attempt = 0; attempt < 3; attempt++) {
            const port = await freePort();
            try {
                const server = await launch(bin, tmp, dataDir, port, env);
                return server;
            } catch (err) {
                lastError = err;
                if (!err.retryable) break;
            }
        }
        throw lastError;
    } catch (err) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw err;
    }
}

async function launch(bin, tmp, dataDir, port, env) {
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(bin, ['serve', `--http=127.0.0.1:${port}`, `--dir=${dataDir}`], {
        cwd: tmp,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
    });

    // Keep the last bit of output for error messages; reading also keeps the pipes drained.
    let output = '';
    const collect = (chunk) => {
        output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    let exited = child.exitCode !== null || child.signalCode !== null;
    let spawnError = null;
    const exitPromise = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
            exited = true;
            resolve({ code, signal });
        });
    });
    child.once('error', (err) => {
        spawnError = err;
    });

    let stopped = false;
    async function stop() {
        if (stopped) return;
        stopped = true;
        try {
            if (!exited && !spawnError) {
                child.kill('SIGTERM');
                let timer;
                const timeout = new Promise((resolve) => {
                    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
                });
                const outcome = await Promise.race([exitPromise, timeout]);
                clearTimeout(timer);
                if (outcome === 'timeout') {
                    child.kill('SIGKILL');
                    await exitPromise;
                }
            }
        } finally {
            child.stdout.destroy();
            child.stderr.destroy();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    }

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
        if (spawnError) {
            await stopQuietly(stop);
            throw new Error(`could not start ${bin}: ${spawnError.message}`);
        }
        if (exited) {
            const { code, signal } = await exitPromise;
            const err = new Error(
                `${bin} serve exited early (code ${code}, signal ${signal}) on ${url}\n${output}`,
            );
            err.retryable = /address already in use|AddrInUse/i.test(output);
            await stopQuietly(stop);
            throw err;
        }
        try {
            const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) });
            await res.arrayBuffer();
            if (res.status === 200) {
                return { url, target: TARGET, dataDir, stop };
            }
        } catch {
            // not listening yet
        }
        await sleep(100);
    }
    await stopQuietly(stop);
    throw new Error(
        `${bin} serve did not answer 200 on ${url}/api/health within ${STARTUP_TIMEOUT_MS} ms\n${output}`,
    );
}

async function stopQuietly(stop) {
    try {
        await stop();
    } catch {
        // the startup error is more useful than a cleanup error
    }
}

/**
 * Creates a PocketBase SDK client for `url` with auto-cancellation off (tests
 * fire identical requests back to back). globalThis.EventSource is set on import.
 */
export function createClient(url) {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    return pb;
}

/** Creates a client already authenticated as the test superuser. */
export async function createSuperuserClient(url) {
    const pb = createClient(url);
    await pb.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    return pb;
}

/** Decodes the payload of a JWT without verifying it. */
export function jwtPayload(token) {
    const parts = String(token).split('.');
    if (parts.length !== 3) {
        throw new Error(`not a JWT (expected 3 dot-separated parts): ${token}`);
    }
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}
