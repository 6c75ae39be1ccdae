package admin

type API struct{}

func (a *API) Ping() error      { return nil }
func (a *API) post() error      { return nil }
func (o *Other) Ignored() error { return nil }
func Helper() error             { return nil }
