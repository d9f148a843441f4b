// Only for Jest: @kubernetes/client-node 1.x and a few of its dependencies are published as ES
// modules, which Jest's module system cannot load on Node 20; babel-jest turns them into CommonJS.
module.exports = {
  presets: [['@babel/preset-env', { targets: { node: 'current' } }]],
};
