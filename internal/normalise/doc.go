// Package normalise maps extracted tables onto a campaign's dataset schema:
// every figure becomes an Observation with a period, a code on each other
// dimension, a value or a flag, and the cell it came from.
//
// The parts:
//
//   - Schema (the campaign YAML's dataset section; SchemaFrom, ParseSchema)
//     declares the measure and the dimensions: period, nationality,
//     offence_group, or a campaign-defined category, with per-dimension
//     synonyms, allowed values and heading spellings.
//   - Vocabularies (Nationalities, OffenceGroups, NewVocabulary) map
//     spellings to codes: exactly after folding case, accents, punctuation
//     and plurals; ignoring noise words ("nationals"); by token set; by the
//     parts around a bracket; and by bounded edit distance, each Match
//     with a confidence and a reason. Ambiguous and unknown texts get no
//     code. The data files and their sources are in data/.
//   - ParsePeriod reads calendar and financial years, months, ranges and
//     partial years; ParseValue and ParseCell read figures, keeping
//     suppression and other flags apart from zero.
//   - Vocabulary readings are remembered: per table for every text, and
//     across tables (bounded) for the built-in vocabularies, which never
//     change once built. Plain figures and bare years are read without
//     regular expressions.
//   - Table finds a table's heading rows and label columns, decides which
//     dimension each holds, reads constants from titles, title rows,
//     section rows and sheet names, unpivots the figures, checks stated
//     totals against their parts, and says whether the result needs review
//     and why. Every reading is a Decision with a confidence and a reason.
//     The mapper (mapper.go) does it in phases, one file each (map_*.go).
//     Which labels name a total, and how closely a total must match its
//     parts, is package totals' (the keyed rule, the Relative tolerance).
//     A compact table (a CSV read with extract.Options.Compact) is read
//     through its accessors and never expanded: its cells are text only
//     (no spans, hidden flags, numbers or geometry), and a figure's cell
//     ref is taken from its row, built once while that row is read.
package normalise
