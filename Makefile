# Shortcuts for ./dev, which does the work (it needs only bash, so it runs before make exists).
.PHONY: run test bench desktop
run:
	./dev run
test:
	./dev test
bench:
	./dev bench
# Add WalkTimer to the desktop's application menu (entry and icons in ~/.local/share).
desktop:
	./dev run install-desktop
