exports.ping = function ping(callback, options = {}) {};
exports.resources = function resources(callback, options = {}) {};
const notExported = 1;
