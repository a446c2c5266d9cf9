const fs = require('fs');
const oc = require('officecrypto-tool');
const [,, input, output, password, type] = process.argv;
const opts = {password};
if (type === 'standard') opts.type = 'standard';
fs.writeFileSync(output, oc.encrypt(fs.readFileSync(input), opts));
