package workflows

import (
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Custom search attributes, so an operator can filter foidesk's workflows in
// the Temporal UI: FoiState = "overdue" AND FoiCampaign = "cro-foreign-nationals".
var (
	AttrCampaign = temporal.NewSearchAttributeKeyKeyword("FoiCampaign")
	AttrForce    = temporal.NewSearchAttributeKeyKeyword("FoiForce")
	// AttrState is a request's raw state (foi.State: "regulator",
	// "data_loaded"), or a campaign run's status (foi.CampaignStatus): the
	// stable words for queries.
	AttrState   = temporal.NewSearchAttributeKeyKeyword("FoiState")
	AttrDueDate = temporal.NewSearchAttributeKeyTime("FoiDueDate")
	// AttrCondition is a request's status in the words the dashboard, the
	// CLI and the Temporal UI's summary use (foi.Condition.Label): "closed
	// unanswered — complaint drafted", "answered, figures loaded". It says
	// what FoiState alone does not (closed unanswered, the complaint's
	// fate); FoiState stays the one to query on.
	AttrCondition = temporal.NewSearchAttributeKeyKeyword("FoiCondition")
)

// SearchAttributes lists the custom search attributes a namespace must have,
// with their types, for registration on the server.
var SearchAttributes = map[string]enums.IndexedValueType{
	AttrCampaign.GetName():  enums.INDEXED_VALUE_TYPE_KEYWORD,
	AttrForce.GetName():     enums.INDEXED_VALUE_TYPE_KEYWORD,
	AttrState.GetName():     enums.INDEXED_VALUE_TYPE_KEYWORD,
	AttrDueDate.GetName():   enums.INDEXED_VALUE_TYPE_DATETIME,
	AttrCondition.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD,
}
