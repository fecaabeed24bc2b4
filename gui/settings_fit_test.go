package gui

import "testing"

// TestFitDialogHeight: a dialog whose content fits shows all of it; one
// taller than the window stops a margin short of the window's height
// (its tabs scroll); never below its own minimum.
func TestFitDialogHeight(t *testing.T) {
	tests := []struct {
		name                string
		minH, natural, winH float32
		want                float32
	}{
		{"fits", 200, 300, 800, 500},
		{"taller than a 640 px window", 200, 700, 640, 592},
		{"window smaller than the minimum", 200, 700, 150, 200},
		{"not shown yet", 200, 300, 0, 500},
	}
	for _, tt := range tests {
		if got := fitDialogHeight(tt.minH, tt.natural, tt.winH); got != tt.want {
			t.Errorf("%s: fitDialogHeight(%v, %v, %v) = %v, want %v", tt.name, tt.minH, tt.natural, tt.winH, got, tt.want)
		}
	}
}
