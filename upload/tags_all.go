package upload

import (
	"context"
	"slices"
)

// MaxTagIDs is the most public IDs one tags, context or metadata call takes.
const MaxTagIDs = 1000

// TagsAll runs a tags command on any number of assets, MaxTagIDs per call,
// and merges the answers (the IDs changed, and those the account may not
// change). It stops at the first failed call, returning what was merged so
// far with the error. Meta is the last call's.
func (s *Service) TagsAll(ctx context.Context, cmd TagCommand, tags, publicIDs []string, p *TagParams) (*PublicIDsResult, error) {
	out := &PublicIDsResult{}
	for batch := range slices.Chunk(publicIDs, MaxTagIDs) {
		r, err := s.Tags(ctx, cmd, tags, batch, p)
		if err != nil {
			return out, err
		}
		out.Meta = r.Meta
		out.PublicIDs = append(out.PublicIDs, r.PublicIDs...)
		out.Unauthorized = append(out.Unauthorized, r.Unauthorized...)
	}
	return out, nil
}
