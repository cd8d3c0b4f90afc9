package search

// SetAfterBuild makes every rebuild of s call f after it has read every
// deed and before it swaps the new index in.
func SetAfterBuild(s *Service, f func()) { s.afterBuild = f }
