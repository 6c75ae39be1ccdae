const Search = class Search {
  constructor() {
    this.query_hash = {};
  }

  static instance() {
    return new Search();
  }

  static expression(value) {
    return this.instance().expression(value);
  }

  expression(value) {
    if (value) {
      return this;
    }
  }

  execute(options, callback) {
    return 1;
  }
};
