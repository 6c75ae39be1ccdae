// Batch scenario for the official `cloudinary` npm package: upload every file
// listed (one path a line) in argv[2] with argv[3] uploads in flight, against
// CLOUDINARY_URL (upload_prefix pointing at cldrest mock). Prints one JSON
// line like bench/cmd/benchclient: wall time and CPU time of the uploads
// (process start-up and module loading excluded).
'use strict';
const fs = require('node:fs');
const cloudinary = require('cloudinary').v2;

const files = fs.readFileSync(process.argv[2], 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
const concurrency = Number(process.argv[3] || 8);
if (!cloudinary.config().upload_prefix) {
  console.error('CLOUDINARY_URL must carry upload_prefix');
  process.exit(2);
}

(async () => {
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= files.length) return;
      const res = await cloudinary.uploader.upload(files[i], { resource_type: 'auto' });
      if (!res || !res.public_id) throw new Error('upload without public_id: ' + JSON.stringify(res));
      bytes += res.bytes;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpu0);
  const wall = process.hrtime.bigint() - start;
  // Peak RSS of this process's own address space (see benchclient).
  const hwm = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(JSON.stringify({
    sdk: 'node',
    scenario: 'batch',
    wall_ns: Number(wall),
    user_ns: cpu.user * 1000,
    sys_ns: cpu.system * 1000,
    vmhwm_kib: hwm ? Number(hwm[1]) : 0,
    result: { count: files.length, bytes },
  }) + '\n');
})().catch((err) => {
  console.error('node batch:', err && err.message ? err.message : err);
  process.exit(1);
});
