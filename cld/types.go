package cld

// ResourceType is an asset's resource type, the first path segment of its
// delivery URL and of most API paths.
type ResourceType string

// Resource types. Auto is accepted by uploads only (Cloudinary detects the
// type); All by archive and a few listing calls.
const (
	Image ResourceType = "image"
	Video ResourceType = "video"
	Raw   ResourceType = "raw"
	Auto  ResourceType = "auto"
	All   ResourceType = "all"
)

// AssetResourceTypes returns the resource types an asset can have: Image,
// Video and Raw, the ones the Upload API's actions accept.
func AssetResourceTypes() []ResourceType { return []ResourceType{Image, Video, Raw} }

// UploadResourceTypes returns the resource types an upload may name: the
// AssetResourceTypes and Auto (Cloudinary detects the type).
func UploadResourceTypes() []ResourceType { return append(AssetResourceTypes(), Auto) }

// DeliveryType is an asset's delivery type (the "type" field) such as
// upload or private.
type DeliveryType string

// Common delivery types.
const (
	Upload        DeliveryType = "upload"
	Private       DeliveryType = "private"
	Authenticated DeliveryType = "authenticated"
	Fetch         DeliveryType = "fetch"
	List          DeliveryType = "list"
)

// Derived is one derived (transformed) version of an asset: an eager
// transformation in an upload result, or a derived resource in an Admin API
// resource. Fields a response does not carry stay zero (ID, PublicID,
// ResourceType and Type come from the Admin API; Width, Height, Status and
// BatchID from uploads).
type Derived struct {
	ID             string `json:"id"`
	Transformation string `json:"transformation"`
	Format         string `json:"format"`
	Bytes          int64  `json:"bytes"`
	Width          int    `json:"width"`
	Height         int    `json:"height"`
	URL            string `json:"url"`
	SecureURL      string `json:"secure_url"`
	PublicID       string `json:"public_id,omitempty"`
	ResourceType   string `json:"resource_type,omitempty"`
	Type           string `json:"type,omitempty"`
	// Status and BatchID are set for eager_async derivations.
	Status  string `json:"status,omitempty"`
	BatchID string `json:"batch_id,omitempty"`
}
