package account_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/cldrest/cldrest/account"
	"github.com/cldrest/cldrest/mockserver"
)

// A user's program reads CLOUDINARY_ACCOUNT_URL with account.ConfigFromEnv;
// here the URL comes from a local mock.
func Example() {
	mock := mockserver.New(mockserver.WithStorage(mockserver.MetadataOnly))
	srv := httptest.NewServer(mock)
	defer srv.Close()

	cfg, err := account.ParseURL(mock.AccountURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := account.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	sa, err := svc.CreateSubAccount(ctx, &account.CreateSubAccountParams{Name: "Shop EU", CloudName: "shop_eu"})
	if err != nil {
		log.Fatal(err)
	}
	key := sa.APIAccessKeys[0]
	fmt.Println("created", sa.CloudName, "with a key; its secret prints as", key.Secret)

	for s, err := range svc.SubAccountsAll(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.CloudName, s.Enabled)
	}
	// Output:
	// created shop_eu with a key; its secret prints as [REDACTED]
	// demo true
	// shop_eu true
}

func ExampleService_CreateUser() {
	mock := mockserver.New(mockserver.WithStorage(mockserver.MetadataOnly))
	srv := httptest.NewServer(mock)
	defer srv.Close()
	cfg, _ := account.ParseURL(mock.AccountURL(srv.URL))
	svc, _ := account.New(cfg)

	ctx := context.Background()
	u, err := svc.CreateUser(ctx, &account.UserParams{Name: "Ann", Email: "ann@example.com", Role: account.RoleTechnicalAdmin})
	if err != nil {
		log.Fatal(err)
	}
	g, _ := svc.CreateUserGroup(ctx, "Designers")
	members, _ := svc.AddUserToGroup(ctx, g.ID, u.ID)
	fmt.Println(u.Email, u.Role, "pending:", u.Pending)
	fmt.Println("members of", g.Name+":", len(members.Users))
	// Output:
	// ann@example.com technical_admin pending: true
	// members of Designers: 1
}
