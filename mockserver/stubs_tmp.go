package mockserver

import "net/http"

func (s *Server) handleExplicit(rc *reqCtx) (any, error)              { return nil, unsupported("x") }
func (s *Server) handleDestroy(rc *reqCtx) (any, error)               { return nil, unsupported("x") }
func (s *Server) handleRename(rc *reqCtx) (any, error)                { return nil, unsupported("x") }
func (s *Server) handleTags(rc *reqCtx) (any, error)                  { return nil, unsupported("x") }
func (s *Server) handleContext(rc *reqCtx) (any, error)               { return nil, unsupported("x") }
func (s *Server) handleMetadata(rc *reqCtx) (any, error)              { return nil, unsupported("x") }
func (s *Server) handleGenerateArchive(rc *reqCtx) (any, error)       { return nil, unsupported("x") }
func (s *Server) handleDownload(rc *reqCtx) (any, error)              { return nil, unsupported("x") }
func (s *Server) handleAssetDestroy(rc *reqCtx) (any, error)          { return nil, unsupported("x") }
func (s *Server) adminEntry(rc *reqCtx) (any, error)                  { return nil, unsupported("x") }
func (s *Server) handleDelivery(rc *reqCtx) (any, error)              { return nil, unsupported("x") }
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {}

type budget struct{ limit int }

func (b *budget) reset() {}
