package server

import (
	"net/http"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
)

// runtimeReport is one entry of GET /_gureum/runtimes.
type runtimeReport struct {
	ID        string `json:"id"`
	Family    string `json:"family"`
	Available bool   `json:"available"`
	Version   string `json:"version,omitempty"`
	SDK       string `json:"sdk,omitempty"`
	Note      string `json:"note,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// runtimes answers GET /_gureum/runtimes: every Lambda runtime identifier
// gureum knows and whether this host can run it (what `gureum doctor`
// prints). Lambda's API has no such operation; the console's runtime picker
// reads it. Like /_gureum/health it is not authenticated: it names host
// toolchains, never functions or data.
func runtimes(w http.ResponseWriter, _ *http.Request) {
	list := []runtimeReport{}
	for _, r := range bootstrap.Available() {
		list = append(list, runtimeReport{ID: r.ID, Family: string(r.Family), Available: r.Available,
			Version: r.Version, SDK: r.SDK, Note: r.Note, Reason: r.Reason})
	}
	_ = awsapi.WriteJSON(w, http.StatusOK, "application/json", map[string]any{"runtimes": list})
}
