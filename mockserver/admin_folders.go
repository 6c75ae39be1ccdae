package mockserver

import (
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

// This file answers /folders: list, create, rename and delete.

// folderSet returns every folder path: created ones, their parents, and the
// folders assets live in. Caller holds s.mu.
func (s *Server) folderSet() map[string]bool {
	out := map[string]bool{}
	addWithParents := func(f string) {
		for f != "" && f != "." {
			out[f] = true
			f = path.Dir(f)
			if f == "." {
				return
			}
		}
	}
	for f := range s.st.cfg.Folders {
		addWithParents(f)
	}
	for _, a := range s.st.assets {
		addWithParents(s.folderOf(a))
	}
	return out
}

type folderList struct {
	Folders    []folderJSON `json:"folders"`
	NextCursor *string      `json:"next_cursor"` // null on the last page, as Cloudinary
	TotalCount int          `json:"total_count"`
}

type folderCreated struct {
	Success    bool   `json:"success"`
	Path       string `json:"path"`
	Name       string `json:"name"`
	ExternalID string `json:"external_id"`
}

type folderRef struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

type folderRenamed struct {
	From folderRef `json:"from"`
	To   folderRef `json:"to"`
}

type folderDeleted struct {
	Deleted []string `json:"deleted"`
}

// adminFolders serves GET (subfolders), POST (create), PUT (rename) and
// DELETE of /folders[/<path>].
func (s *Server) adminFolders(rc *reqCtx) (any, error) {
	m, fpath := rc.method(), cleanFolder(rc.pv("path"))
	if err := publicIDError("folder", fpath); err != nil {
		return nil, err
	}
	switch m {
	case http.MethodGet, http.MethodHead:
		max, err := maxResults(rc.p, 50, 500)
		if err != nil {
			return nil, err
		}
		s.mu.RLock()
		all := s.folderSet()
		s.mu.RUnlock()
		if fpath != "" && !all[fpath] {
			return nil, notFound("Can't find folder with path %s", fpath)
		}
		var subs []string
		for f := range all {
			parent := path.Dir(f)
			if parent == "." {
				parent = ""
			}
			if parent == fpath {
				subs = append(subs, f)
			}
		}
		sort.Strings(subs)
		pg, next, err := page(subs, max, rc.p.get("next_cursor"), func(f string) string { return f })
		if err != nil {
			return nil, err
		}
		res := folderList{Folders: make([]folderJSON, 0, len(pg)), TotalCount: len(subs)}
		if next != "" {
			res.NextCursor = &next
		}
		for _, f := range pg {
			res.Folders = append(res.Folders, folderJSON{Name: path.Base(f), Path: f, ExternalID: folderID(f)})
		}
		return res, nil
	case http.MethodPost:
		if fpath == "" {
			return nil, missingParam("folder")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.folderSet()[fpath] {
			return nil, conflict("Folder %s already exists", fpath)
		}
		s.st.cfg.Folders[fpath] = s.Now().UTC()
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return folderCreated{Success: true, Path: fpath, Name: path.Base(fpath), ExternalID: folderID(fpath)}, nil
	case http.MethodPut:
		to := cleanFolder(rc.p.get("to_folder"))
		if to == "" {
			return nil, missingParam("to_folder")
		}
		if err := publicIDError("to_folder", to); err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		all := s.folderSet()
		if !all[fpath] {
			return nil, notFound("Can't find folder with path %s", fpath)
		}
		if all[to] {
			return nil, conflict("Folder %s already exists", to)
		}
		if to == fpath || strings.HasPrefix(to, fpath+"/") {
			return nil, badRequest("Cannot move folder %s into itself", fpath)
		}
		move := func(f string) (string, bool) {
			if f == fpath {
				return to, true
			}
			if strings.HasPrefix(f, fpath+"/") {
				return to + f[len(fpath):], true
			}
			return f, false
		}
		for f, t := range s.st.cfg.Folders {
			if nf, ok := move(f); ok {
				delete(s.st.cfg.Folders, f)
				s.st.cfg.Folders[nf] = t
			}
		}
		s.st.cfg.Folders[to] = s.Now().UTC()
		for _, a := range s.st.assets {
			if nf, ok := move(a.AssetFolder); ok && s.cfg.folderMode != "fixed" {
				a.AssetFolder = nf
				if err := s.persist.saveAsset(a); err != nil {
					return nil, err
				}
			}
		}
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return folderRenamed{From: folderRef{path.Base(fpath), fpath}, To: folderRef{path.Base(to), to}}, nil
	case http.MethodDelete:
		s.mu.Lock()
		defer s.mu.Unlock()
		all := s.folderSet()
		if fpath == "" || !all[fpath] {
			return nil, notFound("Can't find folder with path %s", fpath)
		}
		for _, a := range s.st.assets {
			if f := s.folderOf(a); f == fpath || strings.HasPrefix(f, fpath+"/") {
				return nil, badRequest("Folder is not empty")
			}
		}
		deleted := []string{}
		for f := range all {
			if f == fpath || strings.HasPrefix(f, fpath+"/") {
				deleted = append(deleted, f)
				delete(s.st.cfg.Folders, f)
			}
		}
		sort.Strings(deleted)
		if err := s.persist.saveConfig(s.st.cfg); err != nil {
			return nil, err
		}
		rc.applied = true
		return folderDeleted{Deleted: deleted}, nil
	}
	return nil, methodNotAllowed(m)
}

func folderID(f string) string {
	h := uint64(1469598103934665603)
	for i := 0; i < len(f); i++ {
		h ^= uint64(f[i])
		h *= 1099511628211
	}
	return strconv.FormatUint(h, 16)
}

// ensureFolderLocked records folder f and its parents as existing folders
// (Cloudinary keeps a folder after its assets leave). Caller holds s.mu.
func (s *Server) ensureFolderLocked(f string) error {
	changed := false
	for f != "" && f != "." {
		if _, ok := s.st.cfg.Folders[f]; !ok {
			s.st.cfg.Folders[f] = s.Now().UTC()
			changed = true
		}
		f = path.Dir(f)
	}
	if !changed {
		return nil
	}
	return s.persist.saveConfig(s.st.cfg)
}
