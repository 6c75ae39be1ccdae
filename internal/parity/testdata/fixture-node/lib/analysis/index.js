function analyze_uri(uri, analysis_type, options = {}, callback) {}
module.exports = {
  analyze_uri
};
