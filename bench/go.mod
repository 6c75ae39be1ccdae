module github.com/cldrest/cldrest/bench

go 1.26.0

require (
	github.com/cldrest/cldrest v0.0.0
	github.com/cloudinary/cloudinary-go/v2 v2.16.1
)

require (
	github.com/creasty/defaults v1.7.0 // indirect
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/google/uuid v1.5.0 // indirect
	github.com/gorilla/schema v1.4.1 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	golang.org/x/time v0.16.0 // indirect
)

replace github.com/cldrest/cldrest => ../
