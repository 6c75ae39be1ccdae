module.exports = {
  sub_accounts,
  users: users
};
