package admin

func (a *API) TestOnly() {}
