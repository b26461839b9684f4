// Foundation checks with the official PocketBase JS SDK: health, superuser
// password auth, auth-refresh, auth methods, settings and the 404 fallback.
//
// Run: `npm run test:js` (wasmbase) or
//      `WASMBASE_JS_TARGET=pocketbase-ref npm run test:js` (PocketBase itself).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
    ClientResponseError,
    SUPERUSER_EMAIL,
    SUPERUSER_PASSWORD,
    TARGET,
    createClient,
    createSuperuserClient,
    jwtPayload,
    startServer,
} from './helpers.mjs';

const SUPERUSERS_COLLECTION_ID = 'pbc_3142635823';

/**
 * Returns an assert.rejects() validator that requires a ClientResponseError
 * with the given HTTP status, then runs `check(err)` for further assertions.
 */
function clientError(status, check = () => {}) {
    return (err) => {
        assert.ok(
            err instanceof ClientResponseError,
            `expected a ClientResponseError, got ${err?.constructor?.name}: ${err}`,
        );
        assert.equal(err.status, status, `status (response: ${JSON.stringify(err.response)})`);
        check(err);
        return true;
    };
}

describe(`foundation (${TARGET})`, () => {
    let server;

    before(async () => {
        server = await startServer();
    });

    after(async () => {
        await server?.stop();
    });

    describe('health', () => {
        test('guest gets the plain healthy answer', async () => {
            const pb = createClient(server.url);
            const health = await pb.health.check();
            assert.deepEqual(health, { code: 200, message: 'API is healthy.', data: {} });
        });

        test('superuser gets canBackup, realIP and possibleProxyHeader', async () => {
            const pb = await createSuperuserClient(server.url);
            const health = await pb.health.check();
            assert.equal(health.code, 200);
            assert.equal(health.message, 'API is healthy.');
            assert.deepEqual(Object.keys(health.data).sort(), [
                'canBackup',
                'possibleProxyHeader',
                'realIP',
            ]);
            assert.equal(health.data.canBackup, true);
            assert.equal(health.data.realIP, '127.0.0.1');
            assert.equal(health.data.possibleProxyHeader, '');
        });
    });

    describe('superuser password auth', () => {
        test('authWithPassword fills the auth store with a refreshable auth JWT', async () => {
            const pb = createClient(server.url);
            assert.equal(pb.authStore.isValid, false);

            const auth = await pb
                .collection('_superusers')
                .authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);

            assert.equal(pb.authStore.isValid, true);
            assert.equal(pb.authStore.isSuperuser, true);
            assert.equal(pb.authStore.token, auth.token);
            assert.equal(pb.authStore.record.email, SUPERUSER_EMAIL);
            assert.equal(auth.record.email, SUPERUSER_EMAIL);
            assert.equal(auth.record.collectionName, '_superusers');
            assert.equal(auth.record.collectionId, SUPERUSERS_COLLECTION_ID);
            assert.equal(auth.record.password, undefined, 'the password hash must not be exposed');

            const payload = jwtPayload(auth.token);
            assert.equal(payload.type, 'auth');
            assert.equal(payload.collectionId, SUPERUSERS_COLLECTION_ID);
            assert.equal(payload.refreshable, true);
            assert.equal(payload.id, auth.record.id);
            assert.ok(
                payload.exp > Date.now() / 1000,
                `exp ${payload.exp} should be in the future`,
            );
        });

        test('authRefresh returns a valid token for the same record', async () => {
            const pb = await createSuperuserClient(server.url);
            const id = pb.authStore.record.id;

            const refreshed = await pb.collection('_superusers').authRefresh();

            assert.equal(refreshed.record.id, id);
            assert.equal(refreshed.record.email, SUPERUSER_EMAIL);
            assert.equal(pb.authStore.token, refreshed.token);
            assert.equal(pb.authStore.isValid, true);
            assert.equal(pb.authStore.isSuperuser, true);
            const payload = jwtPayload(refreshed.token);
            assert.equal(payload.type, 'auth');
            assert.equal(payload.id, id);
            assert.equal(payload.collectionId, SUPERUSERS_COLLECTION_ID);
            assert.ok(payload.exp > Date.now() / 1000);

            // The refreshed token must be usable for a superuser-only endpoint.
            const settings = await pb.settings.getAll();
            assert.equal(typeof settings.meta, 'object');
        });

        test('authRefresh without a token is rejected with 401', async () => {
            const pb = await createSuperuserClient(server.url);
            pb.authStore.clear();
            assert.equal(pb.authStore.isValid, false);

            await assert.rejects(
                pb.collection('_superusers').authRefresh(),
                clientError(401, (err) => {
                    assert.equal(
                        err.response.message,
                        'The request requires valid record authorization token.',
                    );
                }),
            );
            assert.equal(pb.authStore.isValid, false);
        });

        test('a wrong password is rejected with 400 "Failed to authenticate."', async () => {
            const pb = createClient(server.url);
            await assert.rejects(
                pb.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, 'wrong-password'),
                clientError(400, (err) => {
                    assert.equal(err.response.message, 'Failed to authenticate.');
                    assert.deepEqual(err.response.data, {});
                }),
            );
            assert.equal(pb.authStore.isValid, false);
            assert.equal(pb.authStore.token, '');
        });

        test('an empty identity is a validation_required error', async () => {
            const pb = createClient(server.url);
            await assert.rejects(
                pb.collection('_superusers').authWithPassword('', SUPERUSER_PASSWORD),
                clientError(400, (err) => {
                    assert.equal(
                        err.response.message,
                        'An error occurred while validating the submitted data.',
                    );
                    assert.equal(err.response.data.identity?.code, 'validation_required');
                    assert.equal(err.response.data.password, undefined);
                }),
            );
            assert.equal(pb.authStore.isValid, false);
        });
    });

    describe('auth methods', () => {
        test('users: password by email only, no oauth2/mfa/otp', async () => {
            const pb = createClient(server.url);
            const methods = await pb.collection('users').listAuthMethods();

            assert.equal(methods.password.enabled, true);
            assert.deepEqual(methods.password.identityFields, ['email']);
            assert.equal(methods.oauth2.enabled, false);
            assert.deepEqual(methods.oauth2.providers, []);
            assert.equal(methods.mfa.enabled, false);
            assert.equal(methods.otp.enabled, false);
        });
    });

    describe('settings', () => {
        // Runs before the update test below (tests in a file run in order).
        test('superuser reads the default settings', async () => {
            const pb = await createSuperuserClient(server.url);
            const settings = await pb.settings.getAll();
            assert.equal(settings.meta.appName, 'Acme');
        });

        test('superuser updates meta.appName and reads it back', async () => {
            const pb = await createSuperuserClient(server.url);
            const before = await pb.settings.getAll();
            assert.notEqual(before.meta.appName, 'JS App');

            const updated = await pb.settings.update({ meta: { appName: 'JS App' } });
            assert.equal(updated.meta.appName, 'JS App');

            const settings = await pb.settings.getAll();
            assert.equal(settings.meta.appName, 'JS App');
            // A partial update keeps the other meta fields as they were.
            assert.deepEqual(settings.meta, { ...before.meta, appName: 'JS App' });
        });

        test('a guest cannot read the settings (401)', async () => {
            const pb = createClient(server.url);
            await assert.rejects(
                pb.settings.getAll(),
                clientError(401, (err) => {
                    assert.equal(
                        err.response.message,
                        'The request requires valid record authorization token.',
                    );
                }),
            );
        });
    });

    describe('routing', () => {
        test('an unknown /api path is 404 "File not found."', async () => {
            const pb = createClient(server.url);
            await assert.rejects(
                pb.send('/api/nope', { method: 'GET' }),
                clientError(404, (err) => {
                    assert.equal(err.response.message, 'File not found.');
                }),
            );
        });
    });
});
