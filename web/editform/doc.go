// Package editform is the list editor's form: one labelled control per
// field of an item. Its values are url.Values named after the item's JSON
// keys ("fee.basis" for a nested key, "materials.2.name" for a cell of a
// repeated row), so the same values are what the browser posts, what a
// refused form shows again and what the preview carries to the save step.
// FromForm turns them into the item that package lists validates, ToForm
// does the reverse, Changes lists what an amendment changes; Form lays the
// controls out in sections for the edit template.
package editform
