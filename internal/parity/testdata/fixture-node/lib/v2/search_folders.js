const SearchFolders = class SearchFolders extends Search {
  constructor() {
    super();
  }

  execute(options, callback) {
    return 2;
  }
};
