// Integration test: the calls the official `cloudinary` npm package offers
// beyond test.js — publish, access mode, backups, metadata rules, the
// Analysis API and the whole Provisioning API — against `cldrest mock`, in
// the wire forms the package sends (form bodies, public_ids[], repeated
// ids, a form-encoded PUT for user groups). Run by run.sh with
// CLOUDINARY_URL and CLOUDINARY_ACCOUNT_URL from the mock's stdout.
'use strict';
const assert = require('node:assert/strict');
const cloudinary = require('cloudinary').v2;
const account = require('cloudinary').provisioning.account;
const analysis = require('cloudinary').analysis;

const cfg = cloudinary.config();
assert.ok(cfg.account_id && cfg.provisioning_api_key, 'CLOUDINARY_ACCOUNT_URL must be set');

const GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
let step = '';
const check = async (name, fn) => { step = name; await fn(); console.log('ok   ' + name); };

(async () => {
  try {
    await check('publish_by_tag / _by_ids / _by_prefix', async () => {
      await cloudinary.uploader.upload(GIF, { public_id: 'par/a', type: 'private', tags: ['launch'] });
      await cloudinary.uploader.upload(GIF, { public_id: 'par/b', type: 'authenticated' });
      await cloudinary.uploader.upload(GIF, { public_id: 'par/c', type: 'private' });
      let r = await cloudinary.api.publish_by_tag('launch');
      assert.deepEqual(r.published.map((x) => x.public_id), ['par/a']);
      r = await cloudinary.api.publish_by_ids(['par/b'], { type: 'authenticated' });
      assert.equal(r.published[0].type, 'upload');
      r = await cloudinary.api.publish_by_prefix('par/');
      assert.deepEqual(r.published.map((x) => x.public_id), ['par/c']);
      const listed = await cloudinary.api.resources({ type: 'upload', prefix: 'par/' });
      assert.deepEqual(listed.resources.map((x) => x.public_id).sort(), ['par/a', 'par/b', 'par/c']);
    });

    await check('update_resources_access_mode_by_ids / _by_prefix / _by_tag', async () => {
      let r = await cloudinary.api.update_resources_access_mode_by_prefix('authenticated', 'par/');
      assert.equal(r.updated.length, 3);
      r = await cloudinary.api.update_resources_access_mode_by_ids('public', ['par/a']);
      assert.deepEqual(r.updated, [{ public_id: 'par/a', access_mode: 'public' }]);
      r = await cloudinary.api.update_resources_access_mode_by_tag('public', 'launch');
      assert.equal(r.updated[0].public_id, 'par/a');
      assert.equal((await cloudinary.api.resource('par/b')).access_mode, 'authenticated');
    });

    await check('delete_backed_up_assets', async () => {
      const res = await cloudinary.api.resource('par/c', { versions: true });
      await cloudinary.api.delete_resources(['par/c']);
      const r = await cloudinary.api.delete_backed_up_assets(res.asset_id, [res.versions[0].version_id]);
      assert.equal(r.asset_id, res.asset_id);
      assert.deepEqual(r.deleted_version_ids, [res.versions[0].version_id]);
      const restored = await cloudinary.api.restore(['par/c']);
      assert.equal(restored['par/c'].error, 'no_backup');
    });

    await check('metadata rules: add, list, update, delete', async () => {
      await cloudinary.api.add_metadata_field({ external_id: 'par_team', type: 'string', label: 'Team' });
      const rule = await cloudinary.api.add_metadata_rule({
        metadata_field_id: 'par_team', name: 'teams',
        condition: { metadata_field_id: 'par_team', populated: true }, result: { enable: true },
      });
      assert.equal(rule.state, 'active');
      await cloudinary.api.update_metadata_rule(rule.external_id, { state: 'inactive', name: 'teams2' });
      const list = await cloudinary.api.list_metadata_rules();
      assert.deepEqual(list.metadata_rules.map((x) => [x.name, x.state]), [['teams2', 'inactive']]);
      const del = await cloudinary.api.delete_metadata_rule(rule.external_id);
      assert.equal(del.success, true);
    });

    await check('analysis.analyze_uri', async () => {
      const r = await analysis.analyze_uri('https://example.com/a.jpg', 'captioning');
      assert.equal(r.data.entity, 'https://example.com/a.jpg');
      assert.ok(r.request_id);
      const c = await analysis.analyze_uri('https://example.com/a.jpg', 'custom', { model_name: 'm', model_version: 1 });
      assert.equal(c.data.entity, 'https://example.com/a.jpg');
    });

    await check('provisioning: sub-accounts', async () => {
      const sa = await account.create_sub_account('Node Shop', 'node_shop', { region: 'eu' }, true);
      assert.equal(sa.cloud_name, 'node_shop');
      assert.equal(sa.api_access_keys.length, 1);
      let list = await account.sub_accounts();
      assert.ok(list.sub_accounts.some((x) => x.id === sa.id));
      list = await account.sub_accounts(true, [sa.id]);
      assert.deepEqual(list.sub_accounts.map((x) => x.id), [sa.id]);
      const got = await account.sub_account(sa.id);
      assert.equal(got.custom_attributes.region, 'eu');
      const up = await account.update_sub_account(sa.id, 'Node Shop EU', undefined, undefined, false);
      assert.equal(up.name, 'Node Shop EU');
      assert.equal(up.enabled, false);
      const disabled = await account.sub_accounts(false);
      assert.deepEqual(disabled.sub_accounts.map((x) => x.id), [sa.id]);

      const k = await account.generate_access_key(sa.id, { name: 'ci' });
      assert.equal(k.name, 'ci');
      const keys = await account.access_keys(sa.id, { sort_by: 'name', sort_order: 'asc', page_size: 1, page: 1 });
      assert.equal(keys.total, 2);
      assert.deepEqual(keys.access_keys.map((x) => x.name), ['ci']);
      const k2 = await account.update_access_key(sa.id, k.api_key, { enabled: false, dedicated_for: 'webhooks' });
      assert.equal(k2.enabled, false);
      await account.generate_access_key(sa.id, { name: 'tmp' });
      assert.equal((await account.delete_access_key_by_name(sa.id, { name: 'tmp' })).message, 'ok');
      assert.equal((await account.delete_access_key(sa.id, k.api_key)).message, 'ok');
      assert.equal((await account.access_keys(sa.id)).total, 1);
      assert.equal((await account.delete_sub_account(sa.id)).message, 'ok');
    });

    await check('provisioning: users, groups and members', async () => {
      const u = await account.create_user('Ann', 'ann@example.com', 'technical_admin', []);
      assert.equal(u.pending, true);
      let users = await account.users(undefined, undefined, 'an');
      assert.deepEqual(users.users.map((x) => x.email), ['ann@example.com']);
      users = await account.users(undefined, [u.id]);
      assert.equal(users.users.length, 1);
      users = await account.users(true, undefined, undefined, undefined, { lastLogin: false });
      assert.equal(users.users.length, 1);
      assert.equal((await account.user(u.id)).name, 'Ann');
      assert.equal((await account.update_user(u.id, 'Ann B', undefined, 'admin')).role, 'admin');

      const g = await account.create_user_group('Designers');
      assert.equal((await account.update_user_group(g.id, 'Design')).name, 'Design');
      assert.equal((await account.user_group(g.id)).name, 'Design');
      assert.deepEqual((await account.user_groups()).user_groups.map((x) => x.name), ['Design']);
      const added = await account.add_user_to_group(g.id, u.id);
      assert.deepEqual(added.users.map((x) => x.id), [u.id]);
      assert.equal((await account.user_group_users(g.id)).users.length, 1);
      const removed = await account.remove_user_from_group(g.id, u.id);
      assert.equal(removed.users.length, 0);
      assert.equal((await account.delete_user_group(g.id)).message, 'ok');
      assert.equal((await account.delete_user(u.id)).message, 'ok');
      try {
        await account.user(u.id);
        assert.fail('deleted user still found');
      } catch (e) {
        const err = e.error || e;
        assert.equal(err.http_code, 404);
      }
    });
    console.log('PASS node cloudinary ' + require('cloudinary/package.json').version + ' (parity calls)');
  } catch (e) {
    console.error('FAIL in step "' + step + '":', e && (e.error || e));
    process.exitCode = 1;
  }
})();
