// Integration test: the Admin calls of the official `cloudinary` npm
// package that issue 13 made the mock answer — streaming profiles,
// metadata datasources and field order, related assets, visual and folder
// search, derived deletes, named transformations, typed preset settings,
// usage, and deletes that refuse a forged cursor — in the wire forms the
// package sends. Run by run.sh with CLOUDINARY_URL from the mock's stdout.
'use strict';
const assert = require('node:assert/strict');
const cloudinary = require('cloudinary').v2;

const GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
let step = '';
const check = async (name, fn) => { step = name; await fn(); console.log('ok   ' + name); };
const httpCode = async (p) => {
  try { await p; } catch (e) { return (e.error || e).http_code; }
  return 200;
};

(async () => {
  try {
    await check('streaming profiles: list, create, get, update, delete', async () => {
      const list = await cloudinary.api.list_streaming_profiles();
      assert.ok(list.data.some((p) => p.name === 'hd' && p.predefined === true));
      const c = await cloudinary.api.create_streaming_profile('adm_profile', {
        display_name: 'Admin', representations: [{ transformation: { crop: 'limit', width: 640, height: 360 } }],
      });
      assert.equal(c.message, 'created');
      const g = await cloudinary.api.get_streaming_profile('adm_profile');
      assert.deepEqual(g.data.representations[0].transformation, [{ crop: 'limit', width: 640, height: 360 }]);
      await cloudinary.api.update_streaming_profile('adm_profile', { display_name: 'Admin 2' });
      assert.equal((await cloudinary.api.get_streaming_profile('adm_profile')).data.display_name, 'Admin 2');
      assert.equal((await cloudinary.api.delete_streaming_profile('adm_profile')).message, 'deleted');
      assert.equal(await httpCode(cloudinary.api.delete_streaming_profile('hd')), 400);
    });

    await check('metadata datasource: update, delete, restore, order; reorder fields', async () => {
      await cloudinary.api.add_metadata_field({
        external_id: 'adm_color', type: 'enum', label: 'Color',
        datasource: { values: [{ external_id: 'r', value: 'Red' }, { external_id: 'b', value: 'Blue' }] },
      });
      await cloudinary.api.add_metadata_field({ external_id: 'adm_alpha', type: 'string', label: 'Alpha' });
      let ds = await cloudinary.api.update_metadata_field_datasource('adm_color', { values: [{ external_id: 'g', value: 'Green' }] });
      assert.equal(ds.values.length, 3);
      ds = await cloudinary.api.delete_datasource_entries('adm_color', ['r']);
      assert.equal(ds.values.find((v) => v.external_id === 'r').state, 'inactive');
      ds = await cloudinary.api.restore_metadata_field_datasource('adm_color', ['r']);
      assert.equal(ds.values.find((v) => v.external_id === 'r').state, 'active');
      ds = await cloudinary.api.order_metadata_field_datasource('adm_color', 'value', 'asc');
      assert.deepEqual(ds.values.map((v) => v.value), ['Blue', 'Green', 'Red']);
      const fields = await cloudinary.api.reorder_metadata_fields('label', 'asc');
      assert.deepEqual(fields.metadata_fields.map((f) => f.external_id).slice(0, 2), ['adm_alpha', 'adm_color']);
      const f = await cloudinary.api.metadata_field_by_field_id('adm_alpha');
      assert.ok('default_value' in f && 'validation' in f);
    });

    await check('related assets, visual search, folder search, by asset folder', async () => {
      await cloudinary.uploader.upload(GIF, { public_id: 'adm/red_shoe', tags: ['shoe', 'red'], asset_folder: 'adm/shoes' });
      const blue = await cloudinary.uploader.upload(GIF, { public_id: 'adm/blue_shoe', tags: ['shoe'], asset_folder: 'adm/shoes' });
      const red = await cloudinary.api.resource('adm/red_shoe');
      let r = await cloudinary.api.add_related_assets('adm/red_shoe', ['image/upload/adm/blue_shoe']);
      assert.equal(r.success.length, 1);
      const withRel = await cloudinary.api.resource('adm/blue_shoe', { related: true });
      assert.deepEqual(withRel.related_assets.map((x) => x.public_id), ['adm/red_shoe']);
      r = await cloudinary.api.delete_related_assets_by_asset_id(red.asset_id, [blue.asset_id]);
      assert.equal(r.success.length, 1);
      const vs = await cloudinary.api.visual_search({ image_asset_id: red.asset_id });
      assert.deepEqual(vs.resources.map((x) => x.public_id), ['adm/blue_shoe']);
      const fs = await cloudinary.api.search_folders({ expression: 'path=adm/*' });
      assert.deepEqual(fs.folders.map((x) => x.path), ['adm/shoes']);
      const byFolder = await cloudinary.api.resources_by_asset_folder('adm/shoes');
      assert.equal(byFolder.total_count, 2);
      const sel = await cloudinary.api.resources({ type: 'upload', prefix: 'adm/', fields: 'bytes' });
      assert.deepEqual(Object.keys(sel.resources[0]).sort(), ['asset_id', 'bytes', 'public_id', 'resource_type', 'type']);
    });

    await check('derived deletes, named transformations, preset settings, usage', async () => {
      const d = await cloudinary.api.delete_derived_resources(['0123456789abcdef']);
      assert.equal(d.deleted['0123456789abcdef'], 'not_found');
      await cloudinary.api.delete_derived_by_transformation(['adm/red_shoe'], [{ crop: 'scale', width: 100 }]);
      assert.equal((await cloudinary.api.resource('adm/red_shoe')).public_id, 'adm/red_shoe');
      await cloudinary.api.create_transformation('adm_thumb', { crop: 'scale', width: 102 });
      let t = await cloudinary.api.transformation('t_adm_thumb');
      assert.deepEqual(t.info, [{ crop: 'scale', width: 102 }]);
      await cloudinary.api.update_transformation('t_adm_thumb', { allowed_for_strict: true, unsafe_update: { crop: 'fill', width: 50 } });
      t = await cloudinary.api.transformation('t_adm_thumb');
      assert.equal(t.allowed_for_strict, true);
      assert.deepEqual(t.info, [{ crop: 'fill', width: 50 }]);
      await cloudinary.api.create_upload_preset({ name: 'adm_preset', unsigned: true, use_filename: true, folder: 'adm' });
      const p = await cloudinary.api.upload_preset('adm_preset');
      assert.equal(p.settings.use_filename, true);
      const u = await cloudinary.api.usage();
      assert.ok(u.media_limits && u.credits && 'impressions' in u);
    });

    await check('delete_all_resources refuses a cursor it never issued', async () => {
      assert.equal(await httpCode(cloudinary.api.delete_all_resources({ next_cursor: 'forged' })), 400);
      assert.equal((await cloudinary.api.resource('adm/red_shoe')).public_id, 'adm/red_shoe');
    });
    console.log('PASS node cloudinary ' + require('cloudinary/package.json').version + ' (admin calls)');
  } catch (e) {
    console.error('FAIL in step "' + step + '":', e && (e.error || e));
    process.exitCode = 1;
  }
})();
