// Realtime through the official SDK's `pb.realtime` and `pb.collection(...).subscribe`:
// collection and record topics, options (fields, filter, expand, query, headers), several
// listeners on one topic, unsubscribing one topic, a collection, and everything (which closes
// the connection without a request, so the server forgets the client), and auth.
//
// Run: `npm run test:js` (wasmbase) or
//      `WASMBASE_JS_TARGET=pocketbase-ref npm run test:js` (PocketBase itself).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { TARGET, createClient, createSuperuserClient, startServer } from './helpers.mjs';

// How long a subscriber must stay silent before "nothing more arrives" holds.
const QUIET_MS = 300;
// The longest an expected event may take.
const WAIT_MS = 10_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects the events one callback receives. */
function recorder() {
    const events = [];
    const callback = (event) => events.push(event);
    return {
        callback,
        events,
        /** Waits until `count` events have arrived, then for quiet; returns and clears them. */
        async take(count) {
            const deadline = Date.now() + WAIT_MS;
            while (events.length < count && Date.now() < deadline) await sleep(20);
            await sleep(QUIET_MS);
            return events.splice(0, events.length);
        },
    };
}

function summary(events) {
    return events.map((e) => [e.action, e.record.title ?? e.record.name ?? e.record.id]);
}

describe(`realtime (${TARGET})`, () => {
    let server;
    let admin;

    before(async () => {
        server = await startServer();
        admin = await createSuperuserClient(server.url);
        await admin.collections.create({
            name: 'rt_authors',
            type: 'base',
            fields: [{ name: 'name', type: 'text' }],
            listRule: '',
            viewRule: '',
        });
        const authors = await admin.collections.getOne('rt_authors');
        await admin.collections.create({
            name: 'rt_posts',
            type: 'base',
            fields: [
                { name: 'title', type: 'text' },
                { name: 'views', type: 'number' },
                { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
            ],
            listRule: '',
            viewRule: '',
        });
        await admin.collections.create({
            name: 'rt_secret',
            type: 'base',
            fields: [{ name: 'name', type: 'text' }],
            listRule: "@request.headers.x_token = 'abc' || @request.query.key = 'open'",
            viewRule: '',
        });
    });

    after(async () => {
        await server?.stop();
    });

    test('a collection subscription gets create, update and delete', async () => {
        const pb = createClient(server.url);
        const got = recorder();
        const unsubscribe = await pb.collection('rt_posts').subscribe('*', got.callback);
        assert.equal(pb.realtime.isConnected, true);
        assert.match(pb.realtime.clientId, /^[A-Za-z0-9]{40}$/);

        const post = await admin.collection('rt_posts').create({ title: 'first', views: 1 });
        await admin.collection('rt_posts').update(post.id, { title: 'first!' });
        await admin.collection('rt_posts').delete(post.id);
        const events = await got.take(3);
        assert.deepEqual(summary(events), [
            ['create', 'first'],
            ['update', 'first!'],
            ['delete', 'first!'],
        ]);
        assert.equal(events[0].record.id, post.id);
        assert.equal(events[0].record.collectionName, 'rt_posts');

        await unsubscribe();
        assert.equal(pb.realtime.isConnected, false, 'the last unsubscribe closes the connection');
    });

    test('record topics and options shape what arrives', async () => {
        const pb = createClient(server.url);
        const author = await admin.collection('rt_authors').create({ name: 'Ann' });
        const post = await admin.collection('rt_posts').create({ title: 'watched', author: author.id });
        const other = await admin.collection('rt_posts').create({ title: 'other' });
        const record = recorder();
        const picked = recorder();
        const busy = recorder();
        await pb.collection('rt_posts').subscribe(post.id, record.callback, { expand: 'author' });
        await pb.collection('rt_posts').subscribe(post.id, picked.callback, { fields: 'id,title' });
        await pb.collection('rt_posts').subscribe('*', busy.callback, { filter: 'views > 10' });

        await admin.collection('rt_posts').update(other.id, { views: 50 });
        await admin.collection('rt_posts').update(post.id, { views: 5 });
        const [expanded] = await record.take(1);
        assert.equal(expanded.record.expand.author.name, 'Ann');
        assert.deepEqual((await picked.take(1)).map((e) => e.record), [{ id: post.id, title: 'watched' }]);
        assert.deepEqual(summary(await busy.take(1)), [['update', 'other']]);

        await admin.collection('rt_posts').update(post.id, { views: 20 });
        assert.equal((await record.take(1)).length, 1);
        assert.equal((await picked.take(1)).length, 1);
        assert.deepEqual(summary(await busy.take(1)), [['update', 'watched']]);

        await pb.realtime.unsubscribe();
    });

    test('query and headers options reach the rules', async () => {
        const pb = createClient(server.url);
        const plain = recorder();
        const header = recorder();
        const query = recorder();
        await pb.collection('rt_secret').subscribe('*', plain.callback);
        await pb.collection('rt_secret').subscribe('*', header.callback, { headers: { 'X-Token': 'abc' } });
        await pb.collection('rt_secret').subscribe('*', query.callback, { query: { key: 'open' } });

        await admin.collection('rt_secret').create({ name: 'hush' });
        assert.deepEqual(summary(await header.take(1)), [['create', 'hush']]);
        assert.deepEqual(summary(await query.take(1)), [['create', 'hush']]);
        assert.deepEqual(plain.events, [], 'without the header or query the list rule fails');

        await pb.realtime.unsubscribe();
    });

    test('unsubscribing one topic, then a collection, keeps the rest', async () => {
        const pb = createClient(server.url);
        const posts = recorder();
        const second = recorder();
        const authors = recorder();
        const unsubscribePosts = await pb.collection('rt_posts').subscribe('*', posts.callback);
        await pb.collection('rt_posts').subscribe('*', second.callback);
        await pb.collection('rt_authors').subscribe('*', authors.callback);

        await admin.collection('rt_posts').create({ title: 'both listeners' });
        assert.equal((await posts.take(1)).length, 1);
        assert.equal((await second.take(1)).length, 1);

        await unsubscribePosts();
        await admin.collection('rt_posts').create({ title: 'second listener only' });
        assert.deepEqual(summary(await second.take(1)), [['create', 'second listener only']]);
        assert.deepEqual(posts.events, []);

        await pb.collection('rt_posts').unsubscribe();
        assert.equal(pb.realtime.isConnected, true, 'rt_authors/* is still subscribed');
        await admin.collection('rt_posts').create({ title: 'nobody' });
        await admin.collection('rt_authors').create({ name: 'Bea' });
        assert.deepEqual(summary(await authors.take(1)), [['create', 'Bea']]);
        assert.deepEqual(second.events, []);

        await pb.realtime.unsubscribe();
    });

    test('unsubscribing everything closes the connection and the server forgets the client', async () => {
        const pb = createClient(server.url);
        let disconnected = null;
        pb.realtime.onDisconnect = (subscriptions) => {
            disconnected = subscriptions;
        };
        const got = recorder();
        await pb.collection('rt_posts').subscribe('*', got.callback);
        const clientId = pb.realtime.clientId;
        await pb.realtime.unsubscribe();
        assert.equal(pb.realtime.isConnected, false);
        assert.deepEqual(disconnected, []);

        let status = 0;
        const deadline = Date.now() + WAIT_MS;
        while (Date.now() < deadline) {
            const res = await fetch(`${server.url}/api/realtime`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ clientId, subscriptions: ['rt_posts/*'] }),
            });
            await res.arrayBuffer();
            status = res.status;
            if (status === 404) break;
            await sleep(20);
        }
        assert.equal(status, 404, 'the closed client id is unknown');
        await admin.collection('rt_posts').create({ title: 'after close' });
        await sleep(QUIET_MS);
        assert.deepEqual(got.events, []);
    });

    test('an authenticated client is bound to its auth', async () => {
        await admin.collections.update('users', { listRule: 'id = @request.auth.id', viewRule: 'id = @request.auth.id' });
        await admin.collection('users').create({
            email: 'rt_user@example.com',
            password: 'rtuserpass1',
            passwordConfirm: 'rtuserpass1',
            name: 'Before',
        });
        const pb = createClient(server.url);
        const { record: me } = await pb.collection('users').authWithPassword('rt_user@example.com', 'rtuserpass1');
        const mine = recorder();
        await pb.collection('users').subscribe(me.id, mine.callback);
        await admin.collection('users').update(me.id, { name: 'After' });
        const [event] = await mine.take(1);
        assert.equal(event.action, 'update');
        assert.equal(event.record.name, 'After');
        assert.equal(event.record.email, 'rt_user@example.com', 'the owner sees the email');

        const guest = createClient(server.url);
        const theirs = recorder();
        await guest.collection('users').subscribe(me.id, theirs.callback);
        await admin.collection('users').update(me.id, { name: 'Again' });
        assert.equal((await mine.take(1)).length, 1);
        assert.deepEqual(theirs.events, [], 'the view rule hides it from guests');

        await pb.realtime.unsubscribe();
        await guest.realtime.unsubscribe();
    });
});
