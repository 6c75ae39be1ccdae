// Builds the golden table of delivery URLs with the official cloudinary npm
// package: node gen.js > ../node_urls.json (see README.md).
'use strict';
const cloudinary = require('cloudinary').v2;
const sdkVersion = require('cloudinary/package.json').version;

const base = {cloud_name: 'test123', api_secret: 'b'};
const cases = [];
const names = new Set();

// add records one case: the public ID, the config, the chained components
// and the other options.
function add(name, publicID, {config = {}, transformation = [], options = {}} = {}) {
  if (names.has(name)) throw new Error('duplicate case ' + name);
  names.add(name);
  const c = {name, public_id: publicID, config: {...base, ...config}, transformation, options};
  const opts = {...c.config, ...options, urlAnalytics: false};
  const comps = transformation.map((t) => ({...t}));
  const last = comps.length ? comps[comps.length - 1] : {};
  if (comps.length > 1 && 'transformation' in last) {
    if (options.type === 'fetch' && options.format) throw new Error(name + ': named last component with a fetch format');
    opts.transformation = comps;
  } else {
    Object.assign(opts, comps.length ? comps.pop() : {});
    if (comps.length) opts.transformation = comps;
  }
  if (opts.auth_token) opts.auth_token = {...opts.auth_token};
  try {
    c.url = cloudinary.url(publicID, opts);
  } catch (e) {
    c.error = String(e.message || e);
  }
  cases.push(c);
}

// Resource types and delivery types.
for (const rt of ['image', 'video', 'raw', 'auto']) add('resource type ' + rt, 'sample', {options: {resource_type: rt}});
for (const t of ['upload', 'private', 'authenticated', 'list', 'multi', 'text', 'asset', 'sprite',
  'facebook', 'twitter', 'twitter_name', 'gravatar', 'youtube', 'hulu', 'vimeo', 'animoto', 'worldstarhiphop', 'dailymotion']) {
  add('type ' + t, 'sample', {options: {type: t}});
}
add('video private', 'dog', {options: {resource_type: 'video', type: 'private', format: 'mp4'}});
add('raw authenticated', 'docs/report.pdf', {options: {resource_type: 'raw', type: 'authenticated'}});
add('list tag', 'my_tag', {options: {type: 'list', format: 'json'}});
add('facebook id', '65646572251', {options: {type: 'facebook', format: 'jpg'}, transformation: [{width: 90, height: 98, crop: 'fill', gravity: 'face', radius: 20}]});
add('twitter_name', 'billclinton', {options: {type: 'twitter_name'}});
add('gravatar', 'e3264cf16f34ecd3c7c564f5668cbc1e.jpg', {options: {type: 'gravatar'}});

// Formats and versions.
add('default', 'sample');
add('format', 'sample', {options: {format: 'jpg'}});
add('format video', 'dog', {options: {resource_type: 'video', format: 'webm'}});
add('version', 'sample', {options: {version: 1234, format: 'png'}});
add('folder forces v1', 'folder/test');
add('folder with version', 'folder/test', {options: {version: 123}});
add('folder without forced version', 'folder/test', {options: {force_version: false}});
add('folder starting like a version', 'v1234/test');
add('version 0', 'sample', {options: {version: 0}});
add('deep folder', 'a/b/c/d', {options: {format: 'jpg'}});
add('preloaded raw', 'raw/private/v123456/document.docx');
add('preloaded image with transformation', 'image/private/v123456/img.jpg', {transformation: [{crop: 'scale', width: '1.0'}]});
add('preloaded overrides options', 'image/upload/v1/sample.jpg', {options: {resource_type: 'video', type: 'private', version: 7}});
add('http without type is unchanged', 'http://example.com/a.jpg', {transformation: [{width: 100}]});
add('https upper case without type is unchanged', 'HTTPS://example.com/a.jpg');

// Public ID escaping.
const ids = {
  'space': 'a b', 'plus': 'a+b', 'escaped space': 'a%20b', 'dash': 'a-b', 'question marks': 'a??b',
  'hash': 'a#b', 'percent escape of percent': '100%25', 'ampersand equals': 'a&b=c', 'colon': 'a:b',
  'marks': "(x)!*'~", 'brackets': 'a[1]{2}', 'quotes': 'say "hi"', 'backslash': 'a\\b', 'tab': 'a\tb',
  'unicode': 'ünïcødé', 'cjk folder': '日本語/ファイル', 'emoji': 'emoji 😀', 'folder with space': 'my folder/my pic',
  'double slash': 'a//b', 'triple slash': 'a///b', 'trailing slash': 'folder/', 'escaped unicode': '%C3%A9t%C3%A9',
  'escaped slash': 'a%2Fb', 'lower escape': 'a%2fb%3a', 'dots': 'a/./b/../c', 'semicolon comma': 'a;b,c',
  'caret pipe backtick': 'a^b|c`d', 'less greater': '<b>', 'dollar at': '$x@y', 'leading slash': '/lead',
};
for (const [n, id] of Object.entries(ids)) {
  add('public id ' + n, id, {options: {format: 'jpg'}});
  add('signed public id ' + n, id, {options: {sign_url: true}, transformation: [{width: 100}]});
}
for (const [n, id] of Object.entries({'bare percent': '100%', 'percent letters': 'a%zzb', 'lone lead byte': 'a%C3b', 'invalid byte escape': '%FF'})) {
  add('public id ' + n, id);
}

// Transformations: every typed parameter.
const one = {
  'width': {width: 100}, 'width fraction': {width: 0.5}, 'width auto': {width: 'auto'}, 'width auto breakpoints': {width: 'auto:breakpoints'},
  'width expression': {width: 'iw / 2'}, 'width variable': {width: '$w'}, 'width initial_width': {width: 'initial_width * 2'},
  'height': {height: 200}, 'height expression': {height: 'ih * 0.5'}, 'height colon variable': {height: 'ih_mul_:width'},
  'crop': {crop: 'fill'}, 'gravity': {gravity: 'north_west'}, 'gravity auto faces': {gravity: 'auto:faces'},
  'quality number': {quality: 80}, 'quality fraction': {quality: 0.4}, 'quality auto': {quality: 'auto'}, 'quality auto good': {quality: 'auto:good'},
  'quality chroma': {quality: '80:444'}, 'fetch format': {fetch_format: 'auto'}, 'fetch format webp': {fetch_format: 'webp'},
  'effect': {effect: 'sepia'}, 'effect with argument': {effect: ['sepia', 10]}, 'effect with two arguments': {effect: ['art', 'zorro']},
  'effect colon string': {effect: 'blur:300'}, 'effect negative': {effect: ['brightness', -30]},
  'radius': {radius: 10}, 'radius max': {radius: 'max'}, 'radius corners': {radius: [10, 20, 30]}, 'radius four': {radius: [1, 2, 3, 4]},
  'radius two': {radius: [5, 0]},
  'angle': {angle: 12}, 'angle negative': {angle: -45}, 'angle fraction': {angle: 22.5}, 'angle mode': {angle: 'auto_right'},
  'angle modes': {angle: ['auto_right', 'hflip']}, 'angle exif': {angle: 'exif'},
  'dpr': {dpr: 2}, 'dpr fraction': {dpr: 1.5}, 'dpr auto': {dpr: 'auto'},
  'aspect ratio': {aspect_ratio: '16:9'}, 'aspect ratio number': {aspect_ratio: 1.5},
  'background name': {background: 'red'}, 'background hex': {background: '#112233'}, 'background auto': {background: 'auto:border'},
  'color hex': {color: '#ffaabb'}, 'color name': {color: 'blue'},
  'border': {border: {width: 5}}, 'border color': {border: {width: 5, color: '#ffaabbdd'}}, 'border named color': {border: {width: 3, color: 'blue'}},
  'overlay public id': {overlay: {public_id: 'logo'}}, 'overlay folder': {overlay: {public_id: 'brand/logo'}},
  'overlay with format': {overlay: {public_id: 'logo', format: 'png'}}, 'overlay private': {overlay: {public_id: 'logo', type: 'private'}},
  'overlay video': {overlay: {resource_type: 'video', public_id: 'dog'}},
  'overlay text': {overlay: {text: 'Hello World', font_family: 'Arial', font_size: 40}},
  'overlay text bold': {overlay: {text: 'Hi, there/you', font_family: 'Times', font_size: 70, font_weight: 'bold'}},
  'overlay text style': {overlay: {text: 'Sale 50% (today)', text_style: 'Arial_30_italic'}},
  'overlay text all fonts': {overlay: {text: 'x', font_family: 'Roboto', font_size: 12, font_weight: 'bold', font_style: 'italic', text_decoration: 'underline', text_align: 'center', stroke: 'stroke', letter_spacing: 4, line_spacing: -2}},
  'overlay text default keywords': {overlay: {text: 'x', font_family: 'Roboto', font_size: 12, font_weight: 'normal', font_style: 'normal', text_decoration: 'none', stroke: 'none'}},
  'overlay text variable': {overlay: {text: 'Hi $(name)!', font_family: 'Arial', font_size: 20}},
  'overlay text unicode': {overlay: {text: 'Cool😍', font_family: 'Times', font_size: 70, font_weight: 'bold'}},
  'overlay text public id': {overlay: {resource_type: 'text', public_id: 'sample_text_style', text: 'Hello'}},
  'overlay subtitles': {overlay: {resource_type: 'subtitles', public_id: 'sample_sub_en.srt'}},
  'overlay fetch': {overlay: {url: 'http://cloudinary.com/images/old_logo.png'}},
  'overlay fetch escaped': {overlay: {url: 'https://example.com/a b/ü.png?x=1&y=%20'}},
  'overlay fetch video': {overlay: {resource_type: 'video', url: 'https://example.com/dog.mp4'}},
  'underlay': {underlay: {public_id: 'background'}},
  'named': {transformation: 'blip'}, 'named several': {transformation: ['blip', 'blop']},
  'flags': {flags: 'abc'}, 'flags several': {flags: ['progressive', 'lossy']},
  'page': {page: 5}, 'x y': {x: 10, y: -20}, 'zoom': {zoom: 1.5}, 'opacity': {opacity: 20},
  'default image': {default_image: 'avatar.png'}, 'default image folder': {default_image: 'defaults:avatar.png'},
  'raw': {raw_transformation: 'e_vectorize:colors:3'}, 'raw with typed': {width: 100, raw_transformation: 'e_grayscale,o_50'},
  'raw chain': {raw_transformation: 'c_fill,w_300/e_sepia'}, 'raw double slash': {raw_transformation: 'w_100//e_sepia'},
  'raw space': {raw_transformation: 'l_text:Arial_20:a b'},
};
for (const [n, t] of Object.entries(one)) {
  add('transformation ' + n, 'sample', {transformation: [t], options: {format: 'jpg'}});
}
add('transformation all typed', 'sample', {transformation: [{
  width: 300, height: 200, crop: 'fill', gravity: 'face', quality: 'auto', fetch_format: 'auto', effect: 'sepia',
  radius: 10, angle: 5, dpr: 2, aspect_ratio: '4:3', background: '#000000', border: {width: 1, color: 'red'},
  overlay: {public_id: 'logo'}, transformation: 'blip', flags: 'progressive', page: 2, x: 1, y: 2, zoom: 1.1, opacity: 90,
  color: 'white', default_image: 'd.png', raw_transformation: 'so_2',
}]});
add('chain', 'sample', {transformation: [{width: 300, height: 200, crop: 'fill'}, {effect: 'sepia'}, {radius: 'max', background: 'transparent'}], options: {format: 'png'}});
add('chain with overlay', 'sample', {transformation: [
  {width: 500, crop: 'scale'}, {overlay: {public_id: 'brand/logo'}, width: 100, gravity: 'south_east', x: 10, y: 10}, {flags: 'layer_apply'}]});
add('chain empty components', 'sample', {transformation: [{}, {x: 100, y: 100, crop: 'fill'}, {}]});
add('chain named then typed', 'sample', {transformation: [{transformation: ['blip']}, {width: 10}]});
add('chain typed then named', 'sample', {transformation: [{width: 10}, {transformation: 'blip'}]});
add('chain long', 'sample', {transformation: [{width: 1}, {height: 2}, {angle: 3}, {effect: 'blur'}, {dpr: 'auto'}, {quality: 50}]});

// Fetch.
add('fetch', 'http://example.com/', {options: {type: 'fetch'}});
add('fetch escaped query', 'http://blah.com/hello?a=b', {options: {type: 'fetch'}});
add('fetch format', 'http://cloudinary.com/images/logo.png', {options: {type: 'fetch', format: 'jpg'}});
add('fetch format with transformation', 'http://cloudinary.com/images/logo.png', {options: {type: 'fetch', format: 'jpg'}, transformation: [{width: 100, crop: 'scale'}]});
add('fetch format with chain', 'http://cloudinary.com/images/logo.png', {options: {type: 'fetch', format: 'jpg'}, transformation: [{width: 100}, {effect: 'sepia'}]});
add('fetch format and fetch_format', 'http://cloudinary.com/images/logo.png', {options: {type: 'fetch', format: 'jpg'}, transformation: [{fetch_format: 'png'}]});
add('fetch special', 'https://example.com/a b/ü?x=1&y=2#frag%20', {options: {type: 'fetch'}});
add('fetch emoji', 'https://example.com/😀.png', {options: {type: 'fetch'}});
add('fetch double slash', 'https://example.com//a//b.png', {options: {type: 'fetch'}});
add('fetch upper scheme', 'HTTP://example.com/a/b.png', {options: {type: 'fetch'}});
add('fetch version', 'http://google.com/path/to/image.png', {options: {type: 'fetch', version: 1234}});
add('fetch signed', 'http://google.com/path/to/image.png', {options: {type: 'fetch', version: 1234, sign_url: true}});
add('fetch signed long', 'http://google.com/path/to/image.png', {options: {type: 'fetch', sign_url: true, long_url_signature: true}, transformation: [{width: 100}]});
add('fetch with url suffix', 'http://example.com/a.png', {options: {type: 'fetch', url_suffix: 'x'}});
add('youtube', 'http://www.youtube.com/watch?v=d9NF2edxy-M', {options: {type: 'youtube'}});
add('youtube id', 'd9NF2edxy-M', {options: {type: 'youtube', format: 'jpg'}});
add('fetch non-url public id', 'sample', {options: {type: 'fetch', format: 'png'}});

// Hosts: secure, private CDN, distributions, CNAMEs, subdomains.
for (const secure of [true, false]) {
  const s = secure ? 'https' : 'http';
  add(s + ' shared', 'test', {options: {secure}});
  add(s + ' private cdn', 'test', {config: {private_cdn: true}, options: {secure}});
  add(s + ' secure distribution', 'test', {config: {secure_distribution: 'something.cloudfront.net'}, options: {secure}});
  add(s + ' private cdn secure distribution', 'test', {config: {private_cdn: true, secure_distribution: 'something.cloudfront.net'}, options: {secure}});
  add(s + ' old akamai distribution', 'test', {config: {secure_distribution: 'cloudinary-a.akamaihd.net'}, options: {secure}});
  add(s + ' cname', 'test', {options: {secure, cname: 'hello.com'}});
  add(s + ' cname private cdn', 'test', {config: {private_cdn: true}, options: {secure, cname: 'hello.com'}});
  add(s + ' cname and distribution', 'test', {config: {private_cdn: true, secure_distribution: 'cdn.example.com'}, options: {secure, cname: 'hello.com'}});
  for (const id of ['test', 'sample', 'folder/x', 'a b', 'http://x.com/y.png']) {
    add(s + ' cdn subdomain ' + id, id, {options: {secure, cdn_subdomain: true, type: id.startsWith('http') ? 'fetch' : undefined}});
  }
  add(s + ' cdn subdomain format', 'test', {options: {secure, cdn_subdomain: true, format: 'jpg'}});
  add(s + ' cdn subdomain suffix', 'test', {options: {secure, cdn_subdomain: true, url_suffix: 'hello', format: 'jpg'}});
  add(s + ' cdn subdomain private', 'test', {config: {private_cdn: true}, options: {secure, cdn_subdomain: true}});
  add(s + ' cdn subdomain cname', 'test', {options: {secure, cdn_subdomain: true, cname: 'hello.com'}});
  add(s + ' secure cdn subdomain off', 'test', {options: {secure, cdn_subdomain: true, secure_cdn_subdomain: false}});
  add(s + ' secure cdn subdomain on', 'test', {options: {secure, secure_cdn_subdomain: true}});
  add(s + ' secure cdn subdomain private', 'test', {config: {private_cdn: true}, options: {secure, secure_cdn_subdomain: true}});
  add(s + ' secure cdn subdomain distribution', 'test', {config: {private_cdn: true, secure_distribution: 'cdn.example.com'}, options: {secure, secure_cdn_subdomain: true}});
}
add('mock-style cname', 'sample', {options: {secure: false, cname: '127.0.0.1:8080', format: 'png'}});
add('other cloud', 'sample', {config: {cloud_name: 'demo'}});

// URL suffixes, root path, shorten.
for (const [rt, t] of [['image', 'upload'], ['image', 'private'], ['image', 'authenticated'], ['raw', 'upload'], ['video', 'upload'],
  ['image', 'fetch'], ['video', 'private'], ['raw', 'authenticated'], ['image', 'facebook']]) {
  add(`url suffix ${rt} ${t}`, 'test', {options: {resource_type: rt, type: t, url_suffix: 'hello', format: rt === 'raw' ? undefined : 'jpg'}});
}
add('url suffix folder', 'folder/test', {options: {url_suffix: 'hello', format: 'jpg'}});
add('url suffix with dot', 'test', {options: {url_suffix: 'hello.world'}});
add('url suffix with slash', 'test', {options: {url_suffix: 'hello/world'}});
add('url suffix with transformation', 'test', {options: {url_suffix: 'hello', format: 'jpg'}, transformation: [{width: 100, crop: 'scale'}]});
add('url suffix private cdn', 'test', {config: {private_cdn: true}, options: {url_suffix: 'hello'}});
add('url suffix signed', 'test', {options: {url_suffix: 'hello', format: 'jpg', sign_url: true}, transformation: [{width: 100}]});
add('url suffix version', 'test', {options: {url_suffix: 'hello', version: 1234}});
add('root path', 'test', {options: {use_root_path: true}});
add('root path private cdn', 'test', {config: {private_cdn: true}, options: {use_root_path: true, format: 'jpg'}});
add('root path with suffix', 'test', {options: {use_root_path: true, url_suffix: 'hello', format: 'jpg'}});
add('root path with transformation', 'test', {options: {use_root_path: true}, transformation: [{width: 100, crop: 'fill'}]});
add('root path private', 'test', {options: {use_root_path: true, type: 'private'}});
add('root path video', 'test', {options: {use_root_path: true, resource_type: 'video'}});
add('root path private images suffix', 'test', {options: {use_root_path: true, type: 'private', url_suffix: 'hello'}});
add('shorten', 'test', {options: {shorten: true}});
add('shorten private', 'test', {options: {shorten: true, type: 'private'}});
add('shorten video', 'test', {options: {shorten: true, resource_type: 'video'}});
add('shorten with suffix', 'test', {options: {shorten: true, url_suffix: 'hello'}});
add('shorten and root path', 'test', {options: {shorten: true, use_root_path: true}});

// Signed URLs (spec vectors D1-D9 among them).
add('signed D1', 'image.jpg', {options: {version: 1234, sign_url: true}, transformation: [{crop: 'crop', width: 10, height: 20}]});
add('signed D1 without version', 'image.jpg', {options: {sign_url: true}, transformation: [{crop: 'crop', width: 10, height: 20}]});
add('signed D1 authenticated', 'image.jpg', {options: {version: 1234, sign_url: true, type: 'authenticated'}, transformation: [{crop: 'crop', width: 10, height: 20}]});
add('signed D2', 'image.jpg', {options: {version: 1234, sign_url: true}});
add('signed D3', 'sample.jpg', {options: {sign_url: true}});
add('signed D4 long', 'sample.jpg', {options: {sign_url: true, long_url_signature: true}});
add('signed D5 sha256', 'sample.jpg', {options: {sign_url: true, signature_algorithm: 'sha256'}});
add('signed D5 sha256 config', 'sample.jpg', {config: {signature_algorithm: 'sha256'}, options: {sign_url: true}});
add('signed long beats sha1', 'sample.jpg', {config: {signature_algorithm: 'sha1'}, options: {sign_url: true, long_url_signature: true}});
add('signed D7 emoji text', 'image', {options: {sign_url: true, type: 'authenticated', format: 'jpg'}, transformation: [{overlay: {text: 'Cool😍', font_family: 'Times', font_size: 70, font_weight: 'bold'}, color: 'red'}]});
add('signed D8 text plus', 'some_public_id', {config: {cloud_name: 'test', api_secret: 'AbcdEfghIjklmnopq1234567890'},
  options: {sign_url: true, type: 'authenticated', format: 'jpg'}, transformation: [{raw_transformation: 'l_text:Helvetica_50:test+text'}]});
add('signed D9 double slash', 'sample', {config: {api_secret: 'secret'}, options: {sign_url: true, type: 'authenticated'}, transformation: [{raw_transformation: 'w_100//e_sepia'}]});
add('signed chain', 'folder/sample', {options: {sign_url: true, type: 'authenticated', format: 'png'}, transformation: [{width: 300, height: 200, crop: 'fill'}, {effect: 'sepia'}]});
add('signed chain long', 'folder/sample', {options: {sign_url: true, long_url_signature: true, type: 'authenticated', format: 'png'}, transformation: [{width: 300, height: 200, crop: 'fill'}, {effect: 'sepia'}]});
add('signed private', 'sample', {options: {sign_url: true, type: 'private', format: 'jpg'}});
add('signed video', 'dog', {options: {sign_url: true, type: 'authenticated', resource_type: 'video', format: 'mp4'}, transformation: [{width: 300}]});
add('signed raw', 'files/report.pdf', {options: {sign_url: true, type: 'authenticated', resource_type: 'raw'}});
add('signed private cdn', 'sample.jpg', {config: {private_cdn: true}, options: {sign_url: true}, transformation: [{width: 300, crop: 'scale'}]});
add('signed shorten', 'sample.jpg', {options: {sign_url: true, shorten: true}});
add('signed raw space transformation', 'sample', {options: {sign_url: true}, transformation: [{raw_transformation: 'l_text:Arial_20:a b'}]});
add('signed without secret', 'sample', {config: {api_secret: undefined}, options: {sign_url: true}});
add('long signature without sign_url', 'sample.jpg', {options: {long_url_signature: true}});

// Auth tokens (spec vectors E4-E8 among them).
const key = '00112233FF99';
add('token E4 private cdn', 'sample.jpg', {config: {private_cdn: true}, options: {sign_url: true, type: 'authenticated', version: 1486020273,
  auth_token: {key, start_time: 11111111, duration: 300}}});
add('token E5 shared host', 'sample.jpg', {options: {sign_url: true, type: 'authenticated', version: 1486020273,
  auth_token: {key, start_time: 11111111, duration: 300}}});
add('token E6 unicode', 'ñandú.jpg', {options: {sign_url: true, type: 'authenticated', version: 1486020273,
  auth_token: {key, start_time: 11111111, duration: 300}}});
add('token E7 public', 'sample.jpg', {config: {private_cdn: true}, options: {sign_url: true, type: 'public', version: 1486020273,
  auth_token: {key, start_time: 11111111, duration: 300}}});
add('token E8 transformation', 'sample.jpg', {config: {private_cdn: true}, options: {sign_url: true, type: 'authenticated',
  auth_token: {key: 'CCBB2233FF00', start_time: 222222222, duration: 100}}, transformation: [{crop: 'scale', width: 300}]});
add('token acl', 'sample.jpg', {options: {sign_url: true, type: 'authenticated', auth_token: {key, start_time: 1111111111, duration: 300, acl: '/image/*'}}});
add('token acl list', 'sample.jpg', {options: {sign_url: true, type: 'authenticated', auth_token: {key, expiration: 1700000000, acl: ['/*/t_foobar', 't_foobar/*/']}}});
add('token ip expiration', 'folder/my pic.png', {options: {sign_url: true, type: 'authenticated', auth_token: {key, ip: '192.168.1.1', expiration: 1700000000}}});
add('token special characters', 'a+b c?d#e', {options: {sign_url: true, type: 'authenticated', format: 'jpg', auth_token: {key, expiration: 1700000000}}});
add('token dot segments', 'a/./b/../c', {options: {sign_url: true, type: 'authenticated', auth_token: {key, expiration: 1700000000}}});
add('token raw odd characters', 'x', {options: {sign_url: true, type: 'authenticated', auth_token: {key, expiration: 1700000000}},
  transformation: [{raw_transformation: 'l_text:a{b}<c>`d"e^f|g\\h'}]});
add('token raw question mark', 'x', {options: {sign_url: true, type: 'authenticated', auth_token: {key, expiration: 1700000000}},
  transformation: [{raw_transformation: "l_text:a?b c'd"}]});
add('token fetch', 'https://example.com/a.png', {options: {sign_url: true, type: 'fetch', auth_token: {key, expiration: 1700000000}}});
add('token cname http', 'sample.jpg', {options: {secure: false, cname: 'media.example.com', sign_url: true, type: 'authenticated', auth_token: {key, expiration: 1700000000}}});
add('token suffix', 'sample', {options: {sign_url: true, type: 'authenticated', url_suffix: 'nice', format: 'jpg', auth_token: {key, expiration: 1700000000}}});

// Cached search URLs (spec vector F among them).
const search = [];
function addSearch(name, build, {config = {}, ttl, next_cursor, options = {}} = {}) {
  const cfg = {...base, ...config};
  let s = cloudinary.search.instance();
  const query = {};
  const b = build({
    expression(v) { query.expression = v; s = s.expression(v); return this; },
    max_results(v) { query.max_results = v; s = s.max_results(v); return this; },
    sort_by(f, d) { (query.sort_by = query.sort_by || []).push([f, d]); s = s.sort_by(f, d); return this; },
    aggregate(v) { (query.aggregate = query.aggregate || []).push(v); s = s.aggregate(v); return this; },
    with_field(v) { (query.with_field = query.with_field || []).push(v); s = s.with_field(v); return this; },
    fields(v) { (query.fields = query.fields || []).push(v); s = s.fields(v); return this; },
    next_cursor(v) { query.next_cursor = v; s = s.next_cursor(v); return this; },
  });
  void b;
  if (ttl !== undefined) s = s.ttl(ttl);
  const c = {name, config: cfg, query, ttl, next_cursor, options};
  c.url = s.to_url(undefined, next_cursor, {...cfg, ...options});
  search.push(c);
}
const F = (q) => q.expression('resource_type:image AND tags=kitten AND uploaded_at>1d AND bytes>1m').sort_by('public_id', 'desc').max_results(30);
addSearch('F default ttl', F);
addSearch('F ttl 1000', F, {ttl: 1000});
addSearch('F with cursor', F, {next_cursor: 'db27cfb02b3f69cb39049969c23ca430c6d33d5a3a7c3ad1d870c54e1a54ee0faa5acdd9f6d288666986001711759d10'});
addSearch('cursor in query', (q) => F(q).next_cursor('abc123'));
addSearch('all fields', (q) => q.expression('folder:"my folder" AND tags:<a&b>').aggregate('format').aggregate('resource_type')
  .with_field('tags').with_field('context').fields('public_id').fields('secure_url').sort_by('created_at', 'asc').sort_by('public_id', 'desc').max_results(500));
addSearch('private cdn', F, {config: {private_cdn: true}});
addSearch('secure distribution', F, {config: {private_cdn: true, secure_distribution: 'cdn.example.com'}});
addSearch('http', F, {options: {secure: false}});
addSearch('empty query', (q) => q);
addSearch('other secret', F, {config: {api_secret: 'secret'}});

process.stdout.write(JSON.stringify({
  generator: 'delivery/testdata/gen/gen.js',
  package: 'cloudinary', version: sdkVersion,
  cases, search,
}, null, 1) + '\n');
