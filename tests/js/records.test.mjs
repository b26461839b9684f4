// Records through the official SDK's `pb.collection(name)` service: getList, getFullList,
// getFirstListItem, getOne, create, update, delete, API rules seen by users, pb.filter()
// escaping with tricky values, expand, and pb.createBatch().
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

// Values that break naive quoting: quotes of both kinds, backslashes, LIKE wildcards,
// a comment marker, operators, newlines and non-ASCII text.
const TRICKY = [
    `it's`,
    `say "hi"`,
    `back\\slash`,
    `trailing\\`,
    `100% off_sale`,
    `// not a comment`,
    `a' || title != '`,
    `a" || title != "`,
    `line\nbreak\ttab`,
    `Ümlaut ÄÖ 😀`,
    `{:title}`,
];

describe(`records (${TARGET})`, () => {
    let server;
    let su;
    let alice;
    let bob;
    let guest;
    let aliceId;
    let bobId;
    const tagIds = {};

    before(async () => {
        server = await startServer();
        su = await createSuperuserClient(server.url);
        await su.collections.create({
            name: 'tags',
            fields: [{ name: 'name', type: 'text', required: true }],
            listRule: '',
            viewRule: '',
        });
        await su.collections.create({
            name: 'posts',
            fields: [
                { name: 'title', type: 'text', required: true },
                { name: 'views', type: 'number' },
                { name: 'published', type: 'bool' },
                { name: 'when', type: 'date' },
                { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
                { name: 'tags', type: 'relation', collectionId: 'pbc_1219621782', maxSelect: 5 },
                { name: 'meta', type: 'json' },
            ],
            listRule: 'published = true || author = @request.auth.id',
            viewRule: 'published = true || author = @request.auth.id',
            createRule: "@request.auth.id != '' && author = @request.auth.id",
            updateRule: 'author = @request.auth.id',
            deleteRule: null,
        });
        await su.collections.create({
            name: 'comments',
            fields: [
                { name: 'post', type: 'relation', collectionId: 'pbc_1125843985', maxSelect: 1, required: true, cascadeDelete: true },
                { name: 'message', type: 'text' },
            ],
            listRule: '',
            viewRule: '',
            createRule: '',
        });
        const users = su.collection('users');
        aliceId = (await users.create({
            email: 'alice@example.com',
            password: 'alicepass1',
            passwordConfirm: 'alicepass1',
            name: 'Alice',
        })).id;
        bobId = (await users.create({
            email: 'bob@example.com',
            password: 'bobpass123',
            passwordConfirm: 'bobpass123',
            name: 'Bob',
        })).id;
        for (const name of ['go', 'js', 'rust']) {
            tagIds[name] = (await su.collection('tags').create({ name })).id;
        }
        alice = createClient(server.url);
        await alice.collection('users').authWithPassword('alice@example.com', 'alicepass1');
        bob = createClient(server.url);
        await bob.collection('users').authWithPassword('bob@example.com', 'bobpass123');
        guest = createClient(server.url);
        for (let i = 1; i <= 45; i++) {
            await su.collection('posts').create({
                title: `Post ${String(i).padStart(2, '0')}`,
                views: i,
                published: i % 3 !== 0,
                author: i % 2 === 0 ? aliceId : bobId,
                tags: i % 5 === 0 ? [tagIds.go, tagIds.rust] : [tagIds.js],
                meta: { n: i % 4 },
            });
        }
    });

    after(async () => {
        await server?.stop();
    });

    test('getList pages through what the list rule allows', async () => {
        const page = await guest.collection('posts').getList(2, 10, { sort: '-views', fields: 'id,title,views' });
        assert.equal(page.page, 2);
        assert.equal(page.perPage, 10);
        assert.equal(page.totalItems, 30);
        assert.equal(page.totalPages, 3);
        assert.deepEqual(page.items.map((p) => p.views), [29, 28, 26, 25, 23, 22, 20, 19, 17, 16]);
        assert.deepEqual(Object.keys(page.items[0]).sort(), ['id', 'title', 'views']);

        const own = await alice.collection('posts').getList(1, 50, { filter: 'published = false' });
        assert.equal(own.totalItems, 7);
        assert.ok(own.items.every((p) => p.author === aliceId));

        const skipped = await guest.collection('posts').getList(1, 5, { skipTotal: true });
        assert.equal(skipped.totalItems, -1);
        assert.equal(skipped.totalPages, -1);
        assert.equal(skipped.items.length, 5);
    });

    test('getFullList follows every page and keeps the sort', async () => {
        const all = await su.collection('posts').getFullList({ batch: 7, sort: '-views' });
        assert.equal(all.length, 45);
        assert.deepEqual(all.slice(0, 3).map((p) => p.views), [45, 44, 43]);
        const bobs = await bob.collection('posts').getFullList({ batch: 4, filter: `author = "${bobId}"` });
        assert.equal(bobs.length, 23);
        const visible = await guest.collection('posts').getFullList({ batch: 1000, sort: 'views' });
        assert.equal(visible.length, 30);
    });

    test('getFirstListItem finds one item or answers 404', async () => {
        const first = await guest.collection('posts').getFirstListItem('views > 40', { sort: 'views' });
        assert.equal(first.views, 41);
        await assert.rejects(
            guest.collection('posts').getFirstListItem('views = 45'),
            clientError(404, (err) => assert.equal(err.response.message, "The requested resource wasn't found.")),
        );
        await assert.rejects(guest.collection('posts').getFirstListItem('views >'), clientError(400));
    });

    test('getOne applies the view rule', async () => {
        const hidden = await su.collection('posts').getFirstListItem('views = 6');
        const mine = await alice.collection('posts').getOne(hidden.id, { fields: 'id,title' });
        assert.deepEqual(mine, { id: hidden.id, title: 'Post 06' });
        await assert.rejects(bob.collection('posts').getOne(hidden.id), clientError(404));
        await assert.rejects(guest.collection('posts').getOne('nope'), clientError(404));
        await assert.rejects(guest.collection('nope').getOne('nope'), clientError(404));
    });

    test('create, update and delete follow the rules', async () => {
        await assert.rejects(
            guest.collection('posts').create({ title: 'by guest', author: aliceId }),
            clientError(400, (err) => assert.deepEqual(err.response.data, {})),
        );
        await assert.rejects(
            bob.collection('posts').create({ title: 'as alice', author: aliceId }),
            clientError(400, (err) => assert.equal(err.response.message, 'Failed to create record.')),
        );
        const created = await alice.collection('posts').create(
            { title: 'Mine', author: aliceId, views: '5', tags: [tagIds.go] },
            { expand: 'tags,author' },
        );
        assert.equal(created.views, 5);
        assert.equal(created.expand.tags[0].name, 'go');
        assert.equal(created.expand.author.name, 'Alice');

        const updated = await alice.collection('posts').update(created.id, { 'views+': 2, 'tags+': tagIds.rust });
        assert.equal(updated.views, 7);
        assert.deepEqual(updated.tags, [tagIds.go, tagIds.rust]);
        await assert.rejects(bob.collection('posts').update(created.id, { title: 'Hacked' }), clientError(404));
        await assert.rejects(alice.collection('posts').update(created.id, { title: '' }), clientError(400, (err) => {
            assert.equal(err.response.data.title.code, 'validation_required');
        }));

        await assert.rejects(
            alice.collection('posts').delete(created.id),
            clientError(403, (err) => assert.equal(err.response.message, 'Only superusers can perform this action.')),
        );
        assert.equal(await su.collection('posts').delete(created.id), true);
        await assert.rejects(su.collection('posts').getOne(created.id), clientError(404));
    });

    test('guests may not filter by @request or @collection', async () => {
        await assert.rejects(
            guest.collection('posts').getList(1, 1, { filter: "@request.auth.id = ''" }),
            clientError(403, (err) => assert.equal(err.response.message, 'Only superusers can filter by @request.')),
        );
        await assert.rejects(
            alice.collection('posts').getList(1, 1, { sort: '@collection.tags.name' }),
            clientError(403, (err) => assert.equal(err.response.message, 'Only superusers can filter by @collection.')),
        );
        const list = await su.collection('posts').getList(1, 1, { filter: `@collection.tags.name ?= 'go'` });
        assert.equal(list.totalItems, 45);
    });

    test('pb.filter() escapes tricky values', async () => {
        const ids = [];
        for (const title of TRICKY) {
            ids.push((await su.collection('posts').create({ title, published: true, author: aliceId })).id);
        }
        for (const [i, title] of TRICKY.entries()) {
            const filter = su.filter('title = {:title}', { title });
            const found = await guest.collection('posts').getFullList({ filter });
            assert.deepEqual(found.map((p) => p.id), [ids[i]], `title = ${JSON.stringify(title)} (${filter})`);
            const like = await guest.collection('posts').getFullList({ filter: su.filter('title ~ {:title}', { title }) });
            assert.ok(like.some((p) => p.id === ids[i]), `title ~ ${JSON.stringify(title)}`);
        }
        const wildcard = await guest.collection('posts').getFullList({ filter: su.filter('title ~ {:t}', { t: '100%' }) });
        assert.deepEqual(wildcard.map((p) => p.title), ['100% off_sale']);
        const underscore = await guest.collection('posts').getFullList({ filter: su.filter('title ~ {:t}', { t: 'f_s' }) });
        assert.deepEqual(underscore.map((p) => p.title), ['100% off_sale']);

        const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
        const dated = await su.collection('posts').create({ title: 'dated', when, published: true, meta: { a: [1, 'x'] } });
        const params = { when, n: 44, yes: true, none: null, missing: undefined, meta: { a: [1, 'x'] } };
        const filters = [
            ['when = {:when}', 1],
            ['views = {:n} && published = {:yes}', 1],
            ['when != {:none} && when != {:missing}', 1],
            ['meta = {:meta}', 1],
            ['meta.a.1 = "x"', 1],
        ];
        for (const [raw, expected] of filters) {
            const filter = su.filter(raw, params);
            const found = await su.collection('posts').getFullList({ filter });
            assert.equal(found.length, expected, `${raw} → ${filter}: ${JSON.stringify(found.map((p) => p.title))}`);
        }
        assert.equal((await su.collection('posts').getFirstListItem(su.filter('when = {:when}', { when }))).id, dated.id);
    });

    test('expand resolves relations and back-relations through view rules', async () => {
        const post = await guest.collection('posts').getFirstListItem('views = 5', {
            expand: 'author,tags,comments_via_post',
        });
        assert.deepEqual(post.expand.tags.map((t) => t.name), ['go', 'rust']);
        assert.equal(post.expand.author, undefined, 'users are hidden from guests by their view rule');
        await guest.collection('comments').create({ post: post.id, message: 'first' });
        await guest.collection('comments').create({ post: post.id, message: 'second' });
        const withComments = await bob.collection('posts').getOne(post.id, {
            expand: 'author,comments_via_post.post.tags',
            fields: 'id,expand.author.name,expand.comments_via_post.message,expand.comments_via_post.expand.post.expand.tags.name',
        });
        assert.deepEqual(withComments.expand.author, { name: 'Bob' });
        assert.deepEqual(withComments.expand.comments_via_post.map((c) => c.message), ['first', 'second']);
        assert.deepEqual(
            withComments.expand.comments_via_post[0].expand.post.expand.tags.map((t) => t.name),
            ['go', 'rust'],
        );
        const comments = await guest.collection('comments').getFullList({ expand: 'post.author', sort: '-message' });
        assert.deepEqual(comments.map((c) => c.message), ['second', 'first']);
        assert.equal(comments[0].expand.post.id, post.id);
        assert.deepEqual(comments[0].expand.post.expand ?? {}, {});
    });

    test('batch writes in one transaction and rolls back on failure', async () => {
        await su.settings.update({ batch: { enabled: true, maxRequests: 20 } });

        const batch = alice.createBatch();
        batch.collection('posts').create({ title: 'batch one', author: aliceId, published: true });
        batch.collection('posts').create({ title: 'batch two', author: aliceId });
        batch.collection('comments').create({ message: 'needs a post' });
        await assert.rejects(batch.send(), clientError(400));
        assert.equal((await su.collection('posts').getFullList({ filter: 'title ~ "batch"' })).length, 0);

        const ok = alice.createBatch();
        ok.collection('posts').create({ id: 'batchpost000001', title: 'batch one', author: aliceId, published: true });
        ok.collection('posts').update('batchpost000001', { 'views+': 3 });
        ok.collection('posts').upsert({ id: 'batchpost000002', title: 'batch two', author: aliceId });
        ok.collection('comments').create({ post: 'batchpost000001', message: 'in batch' });
        const results = await ok.send();
        assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200]);
        assert.equal(results[1].body.views, 3);
        assert.equal(results[3].body.post, 'batchpost000001');

        const forbidden = bob.createBatch();
        forbidden.collection('posts').update('batchpost000001', { title: 'bob was here' });
        await assert.rejects(forbidden.send(), clientError(400, (err) => {
            assert.equal(err.response.data.requests['0'].code, 'batch_request_failed');
            assert.equal(err.response.data.requests['0'].response.status, 404);
        }));
        const deleted = su.createBatch();
        deleted.collection('posts').delete('batchpost000001');
        const gone = await deleted.send();
        assert.equal(gone[0].status, 204);
        await assert.rejects(su.collection('comments').getFirstListItem('message = "in batch"'), clientError(404));
    });
});
