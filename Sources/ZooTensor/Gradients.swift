/// Reverse-mode differentiation: the gradients of a scalar `loss` with respect to each of
/// `targets`, in order. A target the loss does not depend on gets a zero gradient.
///
/// Only the part of the graph between the targets and the loss is differentiated, so a GAN's
/// generator step, which runs through the discriminator, computes no discriminator weight gradients.
public func gradients(of loss: Variable, withRespectTo targets: [Variable]) -> [Tensor] {
    precondition(loss.value.count == 1, "gradients need a scalar loss, got shape \(loss.shape)")
    let order = topologicalOrder(from: loss)
    let targetIDs = Set(targets.map(ObjectIdentifier.init))

    // A node is on the path when it is a target or depends on one.
    var onPath = Set<ObjectIdentifier>()
    for node in order {
        let id = ObjectIdentifier(node)
        if targetIDs.contains(id) || node.inputs.contains(where: { onPath.contains(ObjectIdentifier($0)) }) {
            onPath.insert(id)
        }
    }

    var accumulated: [ObjectIdentifier: Tensor] = [ObjectIdentifier(loss): Tensor(shape: loss.shape, repeating: 1)]
    for node in order.reversed() {
        let id = ObjectIdentifier(node)
        guard onPath.contains(id), let pullback = node.pullback, let gradient = accumulated[id] else { continue }
        if !targetIDs.contains(id) { accumulated[id] = nil }  // free intermediate gradients early
        let needed = node.inputs.map { onPath.contains(ObjectIdentifier($0)) }
        let inputGradients = pullback(gradient, needed)
        for (input, inputGradient) in zip(node.inputs, inputGradients) {
            guard let inputGradient else { continue }
            let key = ObjectIdentifier(input)
            if let existing = accumulated[key] {
                accumulated[key] = existing + inputGradient
            } else {
                accumulated[key] = inputGradient
            }
        }
    }
    return targets.map { accumulated[ObjectIdentifier($0)] ?? Tensor.zeros($0.shape) }
}

/// Nodes that need gradients, each after all of its inputs (iterative, so deep graphs cannot
/// overflow the stack).
private func topologicalOrder(from root: Variable) -> [Variable] {
    var order: [Variable] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(node: Variable, nextInput: Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (node, next) = stack.last {
        if next < node.inputs.count {
            stack[stack.count - 1].nextInput += 1
            let input = node.inputs[next]
            if input.requiresGradient, visited.insert(ObjectIdentifier(input)).inserted {
                stack.append((input, 0))
            }
        } else {
            order.append(node)
            stack.removeLast()
        }
    }
    return order
}
