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
	AttrState    = temporal.NewSearchAttributeKeyKeyword("FoiState")
	AttrDueDate  = temporal.NewSearchAttributeKeyTime("FoiDueDate")
)

// SearchAttributes lists the custom search attributes a namespace must have,
// with their types, for registration on the server.
var SearchAttributes = map[string]enums.IndexedValueType{
	AttrCampaign.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD,
	AttrForce.GetName():    enums.INDEXED_VALUE_TYPE_KEYWORD,
	AttrState.GetName():    enums.INDEXED_VALUE_TYPE_KEYWORD,
	AttrDueDate.GetName():  enums.INDEXED_VALUE_TYPE_DATETIME,
}
