exports.upload = function upload(file, callback, options = {}) {};
