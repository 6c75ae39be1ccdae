module github.com/cldrest/cldrest

go 1.26
