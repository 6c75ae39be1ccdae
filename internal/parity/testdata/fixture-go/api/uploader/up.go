package uploader

type API struct{}

func (u API) Upload() error { return nil }
