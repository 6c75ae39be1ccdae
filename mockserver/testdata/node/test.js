// Integration test: the official `cloudinary` npm package against `cldrest mock`.
// Run by run.sh with CLOUDINARY_URL pointing at the mock (upload_prefix).
'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cloudinary = require('cloudinary').v2;

const cfg = cloudinary.config();
assert.ok(cfg.upload_prefix && cfg.upload_prefix.startsWith('http://127.0.0.1:'), 'upload_prefix must point at the mock: ' + cfg.upload_prefix);

function png(w, h, size) {
  const b = Buffer.alloc(size);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(b, 0);
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  for (let i = 24; i < size; i++) b[i] = i % 251;
  return b;
}

// upload_large returns a stream, not a promise: wrap its callback.
const uploadLarge = (p, opts) => new Promise((resolve, reject) => {
  cloudinary.uploader.upload_large(p, opts, (err, res) => (err ? reject(err) : resolve(res)));
});

const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');
let step = '';
const check = async (name, fn) => { step = name; await fn(); console.log('ok   ' + name); };

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cldrest-node-'));
  try {
    const small = png(64, 48, 4096);
    const smallPath = path.join(dir, 'small.png');
    fs.writeFileSync(smallPath, small);

    let up;
    await check('upload (signed, multipart)', async () => {
      up = await cloudinary.uploader.upload(smallPath, { public_id: 'node/small', tags: ['node', 'it'], context: { alt: 'a=b' } });
      assert.equal(up.public_id, 'node/small');
      assert.equal(up.bytes, small.length);
      assert.equal(up.width, 64);
      assert.equal(up.height, 48);
      assert.equal(up.format, 'png');
      assert.equal(up.etag, md5(small));
      assert.deepEqual(up.tags, ['node', 'it']);
      assert.equal(up.context.custom.alt, 'a=b');
      assert.match(up.asset_id, /^[0-9a-f]{32}$/);
      assert.ok(cloudinary.utils.verify_api_response_signature(up.public_id, up.version, up.signature), 'response signature verifies');
    });

    await check('delivery URL serves the bytes', async () => {
      const res = await fetch(up.secure_url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.equal(md5(Buffer.from(await res.arrayBuffer())), md5(small));
    });

    await check('upload_large (chunked, /-1 totals)', async () => {
      const size = 11 * 1024 * 1024 + 12345;
      const big = crypto.randomBytes(size);
      const bigPath = path.join(dir, 'big.bin');
      fs.writeFileSync(bigPath, big);
      const res = await uploadLarge(bigPath, { chunk_size: 5242880, resource_type: 'raw', public_id: 'node/big.bin' });
      assert.equal(res.public_id, 'node/big.bin');
      assert.equal(res.resource_type, 'raw');
      assert.equal(res.bytes, size);
      assert.equal(res.etag, md5(big));
    });

    await check('upload_large rejects chunks under 5 MiB', async () => {
      const p = path.join(dir, 'mid.bin');
      fs.writeFileSync(p, crypto.randomBytes(3 * 1024 * 1024));
      let err;
      try {
        await uploadLarge(p, { chunk_size: 1024 * 1024, resource_type: 'raw' });
      } catch (e) { err = e.error || e; }
      assert.ok(err, 'expected an error');
      assert.match(String(err.message), /All parts except EOF-chunk must be larger than 5mb/);
    });

    await check('admin: resource details and listing', async () => {
      const r = await cloudinary.api.resource('node/small');
      assert.equal(r.public_id, 'node/small');
      assert.equal(r.bytes, small.length);
      const list = await cloudinary.api.resources({ type: 'upload', prefix: 'node/', max_results: 10 });
      assert.deepEqual(list.resources.map((x) => x.public_id), ['node/small']);
      assert.ok(list.rate_limit_allowed > 0, 'rate limit headers are read');
    });

    await check('search', async () => {
      const res = await cloudinary.search.expression('tags=node AND format:png').with_field('tags').execute();
      assert.equal(res.total_count, 1);
      assert.equal(res.resources[0].public_id, 'node/small');
      assert.deepEqual(res.resources[0].tags, ['node', 'it']);
    });

    await check('tags and rename', async () => {
      await cloudinary.uploader.add_tag('extra', ['node/small']);
      const r = await cloudinary.uploader.rename('node/small', 'node/renamed');
      assert.equal(r.public_id, 'node/renamed');
      assert.deepEqual(r.tags, ['node', 'it', 'extra']);
    });

    await check('bad signature is rejected with the string to sign', async () => {
      const orig = cloudinary.config().api_secret;
      cloudinary.config({ api_secret: 'wrong' });
      try {
        await cloudinary.uploader.upload(smallPath, { public_id: 'node/never' });
        assert.fail('upload with a wrong secret succeeded');
      } catch (e) {
        const err = e.error || e;
        assert.equal(err.http_code, 401);
        assert.match(err.message, /^Invalid Signature [0-9a-f]{40}\. String to sign - 'public_id=node\/never&timestamp=\d+'\.$/);
      } finally {
        cloudinary.config({ api_secret: orig });
      }
    });

    await check('admin: delete', async () => {
      const r = await cloudinary.api.delete_resources(['node/renamed']);
      assert.equal(r.deleted['node/renamed'], 'deleted');
      const d = await cloudinary.uploader.destroy('node/big.bin', { resource_type: 'raw' });
      assert.equal(d.result, 'ok');
    });
    console.log('PASS node cloudinary ' + require('cloudinary/package.json').version);
  } catch (e) {
    console.error('FAIL in step "' + step + '":', e && (e.error || e));
    process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();
