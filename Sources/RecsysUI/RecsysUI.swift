/// The pure UI core of the explorer: state, messages, update and view. No curses here.
///
/// The loop a backend runs:
/// ```
/// var state = AppState(dataset: ds, profileName: name, storedRatings: try store.ratings(profile: name))
/// state.width = cols; state.height = rows; state.colour = !noColor
/// run(update(&state, .started))            // fit models in the background
/// loop:
///     draw(view(state).changes(from: previousFrame))
///     let message = next input (.input(...)) or a posted effect result
///     for effect in update(&state, message) {
///         switch effect.lane {
///         case .engine: background { effect.perform(store: store) { post($0) } }
///         case .store:  serialQueue { effect.perform(store: store) { post($0) } }
///         case .quit:   restore the terminal and exit 0
///         }
///     }
/// ```
import RecsysEngine
