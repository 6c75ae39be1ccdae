package upload

// SpriteDownloadURL returns a signed URL that builds a sprite from the
// images with a tag (or from URLs) and downloads it directly (GET
// <resource_type>/sprite?mode=download). It makes no request.
func (s *Service) SpriteDownloadURL(p *MultiParams) (string, error) {
	return s.multiDownloadURL("sprite", p)
}

// MultiDownloadURL returns a signed URL that builds one animated image,
// video or PDF from the images with a tag (or from URLs) and downloads it
// directly (GET <resource_type>/multi?mode=download). It makes no request.
func (s *Service) MultiDownloadURL(p *MultiParams) (string, error) {
	return s.multiDownloadURL("multi", p)
}

func (s *Service) multiDownloadURL(action string, p *MultiParams) (string, error) {
	if p == nil {
		p = &MultiParams{}
	}
	if err := p.check(); err != nil {
		return "", err
	}
	rt, err := resourceType(p.ResourceType, "image", actionResourceTypes)
	if err != nil {
		return "", err
	}
	vals, err := encode(p, nil)
	if err != nil {
		return "", err
	}
	vals.Set("mode", "download")
	return s.signedURL(rt+"/"+action, vals)
}
