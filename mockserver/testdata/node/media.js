// Integration test: the official `cloudinary` npm package's plain uploads
// asking for media features (eager, colors, faces, quality_analysis,
// responsive_breakpoints) against `cldrest mock`, which renders them for real.
// Run by run.sh with CLOUDINARY_URL pointing at the mock (upload_prefix).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const cloudinary = require('cloudinary').v2;

// A real PNG: the left quarter red, the rest blue.
function twoColourPNG(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      if (x < w / 4) rows[o] = 255; else rows[o + 2] = 255;
    }
  }
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// The size a PNG's IHDR states.
const pngSize = (b) => {
  assert.equal(b.subarray(1, 4).toString(), 'PNG', 'not a PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
};

const get = async (url) => {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return Buffer.from(await res.arrayBuffer());
};

let step = '';
const check = async (name, fn) => { step = name; await fn(); console.log('ok   ' + name); };

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cldrest-node-media-'));
  try {
    const file = path.join(dir, 'two.png');
    fs.writeFileSync(file, twoColourPNG(200, 100));

    await check('upload with eager', async () => {
      const up = await cloudinary.uploader.upload(file, { eager: [{ width: 100, height: 50, crop: 'fill' }] });
      assert.equal(up.eager.length, 1);
      assert.equal(up.eager[0].width, 100);
      assert.equal(up.eager[0].height, 50);
      const body = await get(up.eager[0].secure_url);
      assert.deepEqual(pngSize(body), [100, 50]);
      assert.equal(body.length, up.eager[0].bytes);
      const details = await cloudinary.api.resource(up.public_id);
      assert.equal(details.derived.length, 1);
      assert.equal(details.derived[0].transformation, 'c_fill,h_50,w_100');
    });

    await check('upload with colors, faces, quality_analysis', async () => {
      const up = await cloudinary.uploader.upload(file, { colors: true, faces: true, quality_analysis: true });
      const shares = Object.fromEntries(up.colors);
      assert.deepEqual(shares, { '#0000FF': 75, '#FF0000': 25 });
      assert.deepEqual(up.faces, []);
      assert.equal(typeof up.quality_analysis.focus, 'number');
    });

    await check('upload with responsive_breakpoints', async () => {
      const up = await cloudinary.uploader.upload(file, {
        responsive_breakpoints: [{ create_derived: true, min_width: 50, max_width: 1000, bytes_step: 1, max_images: 3 }],
      });
      const bps = up.responsive_breakpoints[0].breakpoints;
      assert.ok(bps.length >= 1 && bps.length <= 3, JSON.stringify(bps));
      assert.equal(bps[0].width, 200);
      for (const bp of bps) {
        assert.deepEqual(pngSize(await get(bp.secure_url)), [bp.width, bp.height]);
      }
    });

    await check('delivery URL built by the SDK renders', async () => {
      const up = await cloudinary.uploader.upload(file, { public_id: 'node/media' });
      const sdk = new URL(cloudinary.url(up.public_id, { width: 0.5, crop: 'scale', format: 'webp', version: up.version }));
      // The SDK builds res.cloudinary.com URLs: keep its path, ask the mock.
      const body = await get(cloudinary.config().upload_prefix + sdk.pathname);
      assert.equal(body.subarray(8, 12).toString(), 'WEBP');
      const png = await get(cloudinary.config().upload_prefix + sdk.pathname.replace(/\.webp$/, '.png'));
      assert.deepEqual(pngSize(png), [100, 50]);
    });
  } catch (err) {
    console.error('FAIL ' + step + ': ' + (err && err.stack || JSON.stringify(err)));
    process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();
