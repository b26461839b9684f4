// Collections through the official SDK's `pb.collections` service: create, view, list,
// update (fields and options), truncate, delete, import, scaffolds, and the guards.
//
// Run: `npm run test:js` (wasmbase) or
//      `WASMBASE_JS_TARGET=pocketbase-ref npm run test:js` (PocketBase itself).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ClientResponseError, TARGET, createClient, createSuperuserClient, startServer } from './helpers.mjs';

function clientError(status, check = () => {}) {
    return (err) => {
        assert.ok(err instanceof ClientResponseError, `expected a ClientResponseError, got ${err}`);
        assert.equal(err.status, status, `status (response: ${JSON.stringify(err.response)})`);
        check(err);
        return true;
    };
}

describe(`collections (${TARGET})`, () => {
    let server;
    let pb;

    before(async () => {
        server = await startServer();
        pb = await createSuperuserClient(server.url);
    });

    after(async () => {
        await server?.stop();
    });

    test('create, view and list a collection', async () => {
        const created = await pb.collections.create({
            name: 'sdk_posts',
            type: 'base',
            fields: [
                { name: 'title', type: 'text', required: true, max: 100 },
                { name: 'views', type: 'number', onlyInt: true },
                { name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 },
            ],
            listRule: '',
            viewRule: '',
        });
        assert.equal(created.name, 'sdk_posts');
        assert.match(created.id, /^pbc_\d+$/);
        assert.deepEqual(created.fields.map((f) => f.name), ['id', 'title', 'views', 'tags']);
        assert.equal(created.fields[1].id, 'text724990059');

        const viewed = await pb.collections.getOne('SDK_POSTS');
        assert.equal(viewed.id, created.id);
        const list = await pb.collections.getFullList({ filter: '', sort: '-created' });
        assert.ok(list.some((c) => c.name === 'sdk_posts'));
        assert.ok(list.some((c) => c.name === '_superusers'));
    });

    test('update renames fields and keeps records', async () => {
        await pb.collection('sdk_posts').create({ title: 'kept', views: 3 });
        const current = await pb.collections.getOne('sdk_posts');
        const fields = current.fields.map((f) => (f.name === 'title' ? { ...f, name: 'heading' } : f));
        const updated = await pb.collections.update('sdk_posts', { fields, name: 'sdk_articles' });
        assert.equal(updated.name, 'sdk_articles');
        assert.ok(updated.fields.some((f) => f.name === 'heading' && f.id === 'text724990059'));
        const records = await pb.collection('sdk_articles').getFullList();
        assert.equal(records.length, 1);
        assert.equal(records[0].heading, 'kept');
        assert.equal(records[0].views, 3);
    });

    test('invalid collections are refused with field errors', async () => {
        await assert.rejects(
            pb.collections.create({ name: 'bad name!', fields: [{ name: 's', type: 'select' }] }),
            clientError(400, (err) => {
                assert.equal(err.response.data.name.code, 'validation_match_invalid');
                assert.equal(err.response.data.fields['1'].values.code, 'validation_required');
            }),
        );
        await assert.rejects(
            pb.collections.update('users', { manageRule: '' }),
            clientError(400, (err) => assert.equal(err.response.data.manageRule.code, 'validation_nil_or_not_empty_required')),
        );
    });

    test('truncate and delete', async () => {
        await pb.collections.truncate('sdk_articles');
        assert.equal((await pb.collection('sdk_articles').getFullList()).length, 0);
        await pb.collections.delete('sdk_articles');
        await assert.rejects(pb.collections.getOne('sdk_articles'), clientError(404));
        await assert.rejects(pb.collections.delete('_superusers'), clientError(400));
    });

    test('import and scaffolds', async () => {
        await pb.collections.import([{ name: 'imported_a', type: 'base', fields: [{ name: 'x', type: 'text' }] }], false);
        const imported = await pb.collections.getOne('imported_a');
        assert.deepEqual(imported.fields.map((f) => f.name), ['id', 'x']);
        const scaffolds = await pb.collections.getScaffolds();
        assert.deepEqual(Object.keys(scaffolds).sort(), ['auth', 'base', 'view']);
        assert.equal(scaffolds.auth.type, 'auth');
        assert.ok(scaffolds.auth.fields.some((f) => f.name === 'password'));
    });

    test('only superusers may manage collections', async () => {
        const guest = createClient(server.url);
        await assert.rejects(guest.collections.getFullList(), clientError(401));
        await pb.collection('users').create({ email: 'u@example.com', password: 'userpass123', passwordConfirm: 'userpass123' });
        const user = createClient(server.url);
        await user.collection('users').authWithPassword('u@example.com', 'userpass123');
        await assert.rejects(user.collections.getFullList(), clientError(403));
    });
});
