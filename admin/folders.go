package admin

import (
	"context"
	"iter"
	"net/http"
	"strings"

	"github.com/cldrest/cldrest/client"
)

// Folder is one folder.
type Folder struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	ExternalID string `json:"external_id,omitempty"`
	CreatedAt  Time   `json:"created_at,omitzero"`
}

// FolderList is one page of folders.
type FolderList struct {
	client.Meta
	Folders    []Folder `json:"folders"`
	NextCursor string   `json:"next_cursor,omitempty"`
	TotalCount int      `json:"total_count"`
	// Time is the search time in milliseconds (SearchFolders only).
	Time int `json:"time,omitempty"`
}

// FoldersOptions pages RootFolders and SubFolders.
type FoldersOptions struct {
	// MaxResults is the page size (default 50, at most 500).
	MaxResults int    `url:"max_results,omitempty"`
	NextCursor string `url:"next_cursor,omitempty"`
}

// RootFolders lists one page of the root folders.
//
// GET /folders
func (s *Service) RootFolders(ctx context.Context, opts *FoldersOptions) (*FolderList, error) {
	var r FolderList
	if _, err := s.do(ctx, "RootFolders", call{Path: "folders", Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// RootFoldersAll iterates over every root folder.
func (s *Service) RootFoldersAll(ctx context.Context, opts *FoldersOptions) iter.Seq2[Folder, error] {
	o := copyOpts(opts)
	return paginate(ctx, "RootFoldersAll", o.NextCursor, func(c string) ([]Folder, string, error) {
		o.NextCursor = c
		r, err := s.RootFolders(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return r.Folders, r.NextCursor, nil
	})
}

// SubFolders lists one page of the subfolders of folder ("a/b").
//
// GET /folders/<folder>
func (s *Service) SubFolders(ctx context.Context, folder string, opts *FoldersOptions) (*FolderList, error) {
	const op = "SubFolders"
	if err := checkFolder(op, folder); err != nil {
		return nil, err
	}
	var r FolderList
	if _, err := s.do(ctx, op, call{Path: folderPath(folder), Query: copyOpts(opts)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// SubFoldersAll iterates over every subfolder of folder.
func (s *Service) SubFoldersAll(ctx context.Context, folder string, opts *FoldersOptions) iter.Seq2[Folder, error] {
	o := copyOpts(opts)
	return paginate(ctx, "SubFoldersAll", o.NextCursor, func(c string) ([]Folder, string, error) {
		o.NextCursor = c
		r, err := s.SubFolders(ctx, folder, o)
		if err != nil {
			return nil, "", err
		}
		return r.Folders, r.NextCursor, nil
	})
}

// CreateFolderResult is the answer of CreateFolder.
type CreateFolderResult struct {
	client.Meta
	Success    bool   `json:"success"`
	Path       string `json:"path"`
	Name       string `json:"name"`
	ExternalID string `json:"external_id,omitempty"`
}

// CreateFolder creates a folder (and its missing parents). An existing
// folder is a *client.APIError with status 409.
//
// POST /folders/<folder>
func (s *Service) CreateFolder(ctx context.Context, folder string) (*CreateFolderResult, error) {
	const op = "CreateFolder"
	if err := checkFolder(op, folder); err != nil {
		return nil, err
	}
	var r CreateFolderResult
	if _, err := s.do(ctx, op, call{Method: http.MethodPost, Path: folderPath(folder), Body: struct{}{}, Safe: true}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// RenameFolderResult is the answer of RenameFolder.
type RenameFolderResult struct {
	client.Meta
	From Folder `json:"from"`
	To   Folder `json:"to"`
}

// RenameFolder moves folder from to path to.
//
// PUT /folders/<from> {"to_folder":…}
func (s *Service) RenameFolder(ctx context.Context, from, to string) (*RenameFolderResult, error) {
	const op = "RenameFolder"
	if err := checkFolder(op, from); err != nil {
		return nil, err
	}
	if err := checkFolder(op, to); err != nil {
		return nil, err
	}
	var r RenameFolderResult
	body := struct {
		To string `json:"to_folder"`
	}{to}
	if _, err := s.do(ctx, op, call{Method: http.MethodPut, Path: folderPath(from), Body: body}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteFolderResult is the answer of DeleteFolder.
type DeleteFolderResult struct {
	client.Meta
	Deleted []string `json:"deleted"`
}

// DeleteFolder deletes a folder. A missing folder is a *client.APIError
// matching client.ErrNotFound.
//
// DELETE /folders/<folder>
func (s *Service) DeleteFolder(ctx context.Context, folder string) (*DeleteFolderResult, error) {
	const op = "DeleteFolder"
	if err := checkFolder(op, folder); err != nil {
		return nil, err
	}
	var r DeleteFolderResult
	if _, err := s.do(ctx, op, call{Method: http.MethodDelete, Path: folderPath(folder), Body: struct{}{}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// folderPath is "folders/" + the folder path escaped as one segment ("/"
// becomes %2F, which the API decodes before routing).
func folderPath(folder string) string {
	return "folders/" + client.PathEscape(strings.Trim(folder, "/"))
}

func checkFolder(op, folder string) error {
	f := strings.Trim(folder, "/")
	if f == "" {
		return invalid(op, "empty folder path; pass a path such as \"products/shoes\"")
	}
	for _, seg := range strings.Split(f, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return invalid(op, "folder path %q has an empty, \".\" or \"..\" segment", folder)
		}
	}
	return nil
}
